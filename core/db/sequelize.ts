import { AsyncLocalStorage } from "node:async_hooks";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { Sequelize, Transaction } from "sequelize";

type RowsCallback = (this: unknown, error: Error | null, rows: unknown[]) => void;

interface SqliteConnection {
  configure(option: "busyTimeout", value: number): void;
  all(sql: string, ...rest: unknown[]): unknown;
  exec(sql: string, ...rest: unknown[]): unknown;
  run(sql: string, ...rest: unknown[]): unknown;
}

// A write waits this long for another to finish before failing: long enough for a burst on a loaded machine.
const busyTimeoutMs = 15_000;
const configured = new WeakSet<SqliteConnection>();
import type { Config } from "../../config/index.ts";

export type Dialect = "sqlite" | "postgres";

/** The one Sequelize instance of an app: PostgreSQL when DATABASE_URL says so, else a SQLite file in the data dir. */
export async function createSequelize(config: Config): Promise<Sequelize> {
  const common = { logging: false as const, define: { underscored: true } };
  if (config.databaseUrl.startsWith("postgres")) {
    const sequelize = new Sequelize(config.databaseUrl, { ...common, dialect: "postgres", pool: { max: 10 } });
    // The server's default (4) prices a random read as on spinning disks; an ESN's working set is cached
    // or on SSD. With it the stream's per-container read sorted every row of a busy container instead of
    // reading its newest rows down the index (3.8 ms against 0.5 on the 10k bench instance).
    const randomPageCost = config.pgRandomPageCost;
    if (randomPageCost !== "server") {
      sequelize.addHook("afterConnect", async (connection) => {
        await (connection as { query(sql: string): Promise<unknown> }).query(`SET random_page_cost = ${randomPageCost}`);
      });
    }
    await sequelize.authenticate();
    return sequelize;
  }
  const storage = config.databaseUrl.startsWith("sqlite:")
    ? config.databaseUrl.slice("sqlite:".length).replace(/^\/\//, "")
    : path.join(config.dataDir, "agora.sqlite");
  mkdirSync(path.dirname(path.resolve(storage)), { recursive: true });
  // Sequelize's SQLite driver opens a fresh connection per transaction: IMMEDIATE takes the write lock
  // up front (no deadlock on upgrade), and every connection waits for a busy lock instead of failing.
  const sequelize = new Sequelize({ ...common, dialect: "sqlite", storage, transactionType: Transaction.TYPES.IMMEDIATE });
  const manager = sequelize.connectionManager as unknown as { getConnection(options?: unknown): Promise<SqliteConnection> };
  const getConnection = manager.getConnection.bind(manager);
  const columnTypes: ColumnTypes = new Map();
  manager.getConnection = async (options) => {
    const connection = await getConnection(options);
    if (!configured.has(connection)) {
      connection.configure("busyTimeout", busyTimeoutMs);
      rememberColumnTypes(connection, columnTypes);
      configured.add(connection);
    }
    return connection;
  };
  serializeTransactions(sequelize);
  for (const pragma of ["journal_mode = WAL", "foreign_keys = ON", `busy_timeout = ${busyTimeoutMs}`, "synchronous = NORMAL"]) {
    await sequelize.query(`PRAGMA ${pragma}`);
  }
  // Planner statistics, as SQLite advises for long-lived connections: without them an index on a
  // column with one value (contents.type) looks selective and a query walks a million rows.
  await sequelize.query("PRAGMA optimize = 0x10002");
  return sequelize;
}

/**
 * SQLite has one writer at a time, and node-sqlite3 waits for a busy lock on a libuv thread (4 by
 * default): a few transactions queued on the lock used up every thread, so the one holding it could
 * not run its next statement until the waits timed out. Transactions of this process therefore
 * take turns in memory and only one at a time waits on the database lock (other processes still
 * wait on busy_timeout). A transaction must not start another one inside its callback (it never
 * could on SQLite: that second BEGIN IMMEDIATE waits for the first).
 */
function serializeTransactions(sequelize: Sequelize) {
  const transaction = sequelize.transaction.bind(sequelize) as (...args: unknown[]) => Promise<unknown>;
  let turn: Promise<unknown> = Promise.resolve();
  const inside = new AsyncLocalStorage<boolean>();
  (sequelize as unknown as { transaction: (...args: unknown[]) => Promise<unknown> }).transaction = (...args: unknown[]) => {
    const isManaged = args.some((arg) => typeof arg === "function");
    // Unmanaged transactions, and savepoints opened inside a transaction ({ transaction: parent }), go straight through.
    if (!isManaged || inside.getStore()) return transaction(...args);
    const run = turn.then(() => inside.run(true, () => transaction(...args)));
    turn = run.catch(() => undefined);
    return run;
  };
}

/**
 * Sequelize's SQLite dialect asks PRAGMA table_info for the table of every model SELECT, to know which
 * columns hold dates and booleans, and forgets the answer after the query: one extra round trip through
 * the driver's thread pool per read. The answers are kept, for all connections to one database file,
 * until a statement changes the schema. (Sequelize's own describeTable sends "PRAGMA TABLE_INFO(...);",
 * which is not this lookup and is passed through.)
 */
type ColumnTypes = Map<string, unknown[]>;
const tableInfo = /^PRAGMA table_info\(`([^`]+)`\)$/;
const schemaChange = /^\s*(CREATE|ALTER|DROP)\b/i;

function rememberColumnTypes(connection: SqliteConnection, columnTypesOf: ColumnTypes) {
  const all = connection.all.bind(connection);
  connection.all = (sql: string, ...rest: unknown[]) => {
    const table = tableInfo.exec(sql)?.[1];
    const callback = rest[rest.length - 1] as RowsCallback;
    if (table !== undefined && typeof callback === "function") {
      const known = columnTypesOf.get(table);
      if (known) {
        queueMicrotask(() => callback.call(connection, null, known));
        return connection;
      }
      return all(sql, ...rest.slice(0, -1), function (this: unknown, error: Error | null, rows: unknown[]) {
        if (!error && rows.length > 0) columnTypesOf.set(table, withAttributeNames(rows as ColumnInfo[]));
        callback.call(this, error, rows);
      });
    }
    if (schemaChange.test(sql)) columnTypesOf.clear();
    return all(sql, ...rest);
  };
  for (const method of ["exec", "run"] as const) {
    const original = connection[method].bind(connection);
    connection[method] = (sql: string, ...rest: unknown[]) => {
      if (schemaChange.test(sql)) columnTypesOf.clear();
      return original(sql, ...rest);
    };
  }
}

interface ColumnInfo {
  name: string;
  type: string;
}

/**
 * Our models are underscored: a row comes back with `display_name AS displayName`. Sequelize looks each
 * result column up among the table's columns and, for an alias it does not find, walks every attribute of
 * the model to find its column, for every column of every row. Listing the camelCase alias as a column of
 * the same type makes that a direct hit; a name that is already a column is left as it is.
 */
function withAttributeNames(columns: ColumnInfo[]): ColumnInfo[] {
  const names = new Set(columns.map((column) => column.name));
  const aliases = columns
    .map((column) => ({ ...column, name: column.name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase()) }))
    .filter((alias) => !names.has(alias.name));
  return [...columns, ...aliases];
}

export function dialectOf(sequelize: Sequelize): Dialect {
  return sequelize.getDialect() === "postgres" ? "postgres" : "sqlite";
}
