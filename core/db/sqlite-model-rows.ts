import { DatabaseError, type Model, type ModelStatic } from "sequelize";
import sqlUtils from "sequelize/lib/utils/sql";
import { positional, preparedAll, type Row, type SqliteConnection as PreparingConnection } from "./sqlite-statements.ts";

type Dialect = Parameters<typeof sqlUtils.injectReplacements>[1];

/** What node-sqlite3's Database offers this reader. */
type SqliteConnection = PreparingConnection & { all(sql: string, params: unknown[], callback: (error: Error | null, rows: Row[]) => void): unknown };

async function preparedRows(connection: SqliteConnection, sql: string, replacements: Record<string, unknown>): Promise<Row[]> {
  const statement = positional(sql, replacements);
  return preparedAll(connection, statement.sql, statement.params).catch((error: Error) => {
    throw new DatabaseError(Object.assign(error, { sql }) as never);
  });
}

function allRows(connection: SqliteConnection, sql: string): Promise<Row[]> {
  return new Promise((resolve, reject) => connection.all(sql, [], (error, rows) => (error ? reject(new DatabaseError(Object.assign(error, { sql }) as never)) : resolve(rows))));
}

/** How one column of a model's table becomes an attribute value, as Sequelize's SQLite dialect reads it. */
interface ColumnReader {
  attribute: string;
  parse?: (value: unknown) => unknown;
}

/** What reading a model's rows needs to know of it, worked out once per model. */
interface RowShape {
  /** By column name. */
  columns: Map<string, ColumnReader>;
  /** Instances can be made without set() (see asReadRow). */
  plainTypes: boolean;
}

const shapes = new WeakMap<ModelStatic<Model>, RowShape>();

/**
 * modelRows on SQLite: the driver's rows made instances the way Sequelize's query would make them (columns
 * renamed to attributes, dates, booleans and JSON read by the attribute's type, instances of read rows), at
 * under half its CPU: Sequelize's query spends as much again as the statement itself on a page of rows (an Error
 * stack per statement, a lodash pass per value, a column-type lookup per value). The statement is kept
 * prepared and its values bound (core/db/sqlite-statements.ts). Logged like Sequelize's
 * statements (the query counts of tests read that log). Columns the model does not have stay as the driver
 * gave them, as with Sequelize.
 */
export async function sqliteModelRows<M extends Model>(model: ModelStatic<M>, sql: string, replacements: Record<string, unknown>): Promise<M[]> {
  const sequelize = model.sequelize!;
  const options = (sequelize as unknown as { options: { logging?: unknown; timezone?: string } }).options;
  const timezone = options.timezone ?? "+00:00";
  const inlined = () => sqlUtils.injectReplacements(sql, (sequelize as unknown as { dialect: Dialect }).dialect, replacements);
  // Only the statements' log (tests, bench/explain.ts) needs the values written into the SQL.
  if (typeof options.logging === "function") options.logging(`Executing (default): ${inlined()}`, {});
  const manager = sequelize.connectionManager as unknown as { getConnection(options: object): Promise<SqliteConnection> };
  const connection = await manager.getConnection({ type: "SELECT" });
  // Bound dates are written as UTC text: another time zone goes through Sequelize's own escaping.
  const rows = await (timezone === "+00:00" ? preparedRows(connection, sql, replacements) : allRows(connection, inlined()));
  const shape = rowShape(model, timezone);
  const values = rows.map((row) => {
    const read: Record<string, unknown> = {};
    for (const column in row) {
      const reader = shape.columns.get(column);
      const value = row[column];
      if (!reader) read[column] = value;
      else read[reader.attribute] = value !== null && reader.parse ? reader.parse(value) : value;
    }
    return read;
  });
  return shape.plainTypes ? values.map((row) => asReadRow(model, row)) : model.bulkBuild(values as never, { isNewRecord: false, raw: true });
}

/**
 * An instance of a row read from the database, as bulkBuild(..., { raw: true, isNewRecord: false }) makes it
 * without going through set() for each value: for a model whose values need no sanitizing beyond what the
 * readers did (booleans, dates), the values are the instance's values, and its previous values as read.
 */
function asReadRow<M extends Model>(model: ModelStatic<M>, values: Record<string, unknown>): M {
  const instance = model.build({} as never, { isNewRecord: false, raw: true }) as M & { _previousDataValues: Record<string, unknown> };
  instance.dataValues = values as M["dataValues"];
  instance._previousDataValues = { ...values };
  return instance;
}

function rowShape(model: ModelStatic<Model>, timezone: string): RowShape {
  const known = shapes.get(model);
  if (known) return known;
  const columns = new Map<string, ColumnReader>();
  for (const [attribute, definition] of Object.entries(model.getAttributes())) {
    const type = (definition.type as { key?: string }).key;
    const parse =
      type === "DATE" ? (value: unknown) => sqliteDate(value, timezone)
      : type === "JSON" ? (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value)
      : type === "BOOLEAN" ? sqliteBoolean
      : undefined;
    columns.set(definition.field ?? attribute, { attribute, parse });
  }
  // No virtual attribute, and no sanitized type but those the readers above already give as Sequelize would.
  const internals = model as unknown as { _hasVirtualAttributes?: boolean; _dataTypeSanitizers?: Record<string, unknown> };
  const sanitized = Object.keys(internals._dataTypeSanitizers ?? {}).map((attribute) => (model.getAttributes()[attribute]?.type as { key?: string } | undefined)?.key);
  const shape = { columns, plainTypes: !internals._hasVirtualAttributes && sanitized.every((type) => type === "DATE" || type === "BOOLEAN") };
  shapes.set(model, shape);
  return shape;
}

/** As Sequelize's BOOLEAN sanitizer: SQLite gives 1 and 0. */
function sqliteBoolean(value: unknown): unknown {
  if (value === 1 || value === "true") return true;
  if (value === 0 || value === "false") return false;
  return value;
}

/** As Sequelize's SQLite DATE parser: text it wrote carries its offset; text without one is in the connection's time zone. */
export function sqliteDate(value: unknown, timezone: string): Date {
  if (typeof value !== "string") return new Date(value as number);
  return new Date(value.includes("+") ? value : value + timezone);
}
