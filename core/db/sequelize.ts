import { mkdirSync } from "node:fs";
import path from "node:path";
import { Sequelize, Transaction } from "sequelize";

interface SqliteConnection {
  configure(option: "busyTimeout", value: number): void;
}

const busyTimeoutMs = 5000;
const configured = new WeakSet<SqliteConnection>();
import type { Config } from "../../config/index.ts";

export type Dialect = "sqlite" | "postgres";

/** The one Sequelize instance of an app: PostgreSQL when DATABASE_URL says so, else a SQLite file in the data dir. */
export async function createSequelize(config: Config): Promise<Sequelize> {
  const common = { logging: false as const, define: { underscored: true } };
  if (config.databaseUrl.startsWith("postgres")) {
    const sequelize = new Sequelize(config.databaseUrl, { ...common, dialect: "postgres", pool: { max: 10 } });
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
  manager.getConnection = async (options) => {
    const connection = await getConnection(options);
    if (!configured.has(connection)) {
      connection.configure("busyTimeout", busyTimeoutMs);
      configured.add(connection);
    }
    return connection;
  };
  for (const pragma of ["journal_mode = WAL", "foreign_keys = ON", `busy_timeout = ${busyTimeoutMs}`, "synchronous = NORMAL"]) {
    await sequelize.query(`PRAGMA ${pragma}`);
  }
  return sequelize;
}

export function dialectOf(sequelize: Sequelize): Dialect {
  return sequelize.getDialect() === "postgres" ? "postgres" : "sqlite";
}
