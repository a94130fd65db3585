import { DatabaseError, type Model, type ModelStatic } from "sequelize";
import sqlUtils from "sequelize/lib/utils/sql";

/** What node-sqlite3's Database offers this reader. */
interface SqliteReader {
  all(sql: string, params: unknown[], callback: (error: Error | null, rows: Record<string, unknown>[]) => void): unknown;
}

/** How one column of a model's table becomes an attribute value, as Sequelize's SQLite dialect reads it. */
interface ColumnReader {
  attribute: string;
  parse?: (value: unknown) => unknown;
}

const readersOf = new WeakMap<ModelStatic<Model>, Map<string, ColumnReader>>();

/**
 * modelRows on SQLite: the driver's rows made instances the way Sequelize's query would make them (columns
 * renamed to attributes, dates and JSON parsed by the attribute's type, then bulkBuild as a read row), at
 * half its CPU: Sequelize's query spends as much again as the statement itself on a page of rows (an Error
 * stack per statement, a lodash pass per value, a column-type lookup per value). Logged like Sequelize's
 * statements (the query counts of tests read that log). Columns the model does not have stay as the driver
 * gave them, as with Sequelize.
 */
export async function sqliteModelRows<M extends Model>(model: ModelStatic<M>, sql: string, replacements: Record<string, unknown>): Promise<M[]> {
  const sequelize = model.sequelize!;
  const statement = sqlUtils.injectReplacements(sql, (sequelize as unknown as { dialect: Parameters<typeof sqlUtils.injectReplacements>[1] }).dialect, replacements);
  const options = (sequelize as unknown as { options: { logging?: unknown; timezone?: string } }).options;
  if (typeof options.logging === "function") options.logging(`Executing (default): ${statement}`, {});
  const manager = sequelize.connectionManager as unknown as { getConnection(options: object): Promise<SqliteReader> };
  const connection = await manager.getConnection({ type: "SELECT" });
  const rows = await new Promise<Record<string, unknown>[]>((resolve, reject) =>
    connection.all(statement, [], (error, found) => (error ? reject(new DatabaseError(Object.assign(error, { sql: statement }) as never)) : resolve(found))),
  );
  const readers = columnReaders(model, options.timezone ?? "+00:00");
  const values = rows.map((row) => {
    const read: Record<string, unknown> = {};
    for (const column in row) {
      const reader = readers.get(column);
      const value = row[column];
      if (!reader) read[column] = value;
      else read[reader.attribute] = value !== null && reader.parse ? reader.parse(value) : value;
    }
    return read;
  });
  return model.bulkBuild(values as never, { isNewRecord: false, raw: true });
}

function columnReaders(model: ModelStatic<Model>, timezone: string): Map<string, ColumnReader> {
  let readers = readersOf.get(model);
  if (readers) return readers;
  readers = new Map();
  for (const [attribute, definition] of Object.entries(model.getAttributes())) {
    const type = (definition.type as { key?: string }).key;
    const parse = type === "DATE" ? (value: unknown) => sqliteDate(value, timezone) : type === "JSON" ? (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value) : undefined;
    readers.set(definition.field ?? attribute, { attribute, parse });
  }
  readersOf.set(model, readers);
  return readers;
}

/** As Sequelize's SQLite DATE parser: text it wrote carries its offset; text without one is in the connection's time zone. */
function sqliteDate(value: unknown, timezone: string): Date {
  if (typeof value !== "string") return new Date(value as number);
  return new Date(value.includes("+") ? value : value + timezone);
}
