import { mkdirSync } from "node:fs";
import path from "node:path";
import { Sequelize } from "sequelize";
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
  // One connection: SQLite serialises writers anyway, and pragmas are per connection.
  const sequelize = new Sequelize({ ...common, dialect: "sqlite", storage, pool: { max: 1, min: 1, idle: 60_000_000 } });
  for (const pragma of ["journal_mode = WAL", "foreign_keys = ON", "busy_timeout = 5000", "synchronous = NORMAL"]) {
    await sequelize.query(`PRAGMA ${pragma}`);
  }
  return sequelize;
}

export function dialectOf(sequelize: Sequelize): Dialect {
  return sequelize.getDialect() === "postgres" ? "postgres" : "sqlite";
}
