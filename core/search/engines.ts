import type { Sequelize } from "sequelize";
import { dialectOf } from "../db/sequelize.ts";
import type { SearchEngine } from "./engine.ts";
import { SqliteEngine } from "./sqlite-engine.ts";
import { PostgresEngine } from "./postgres-engine.ts";

const engines = new WeakMap<Sequelize, SearchEngine>();

/** The engine for this database, made once per Sequelize instance. */
export function searchEngine(sequelize: Sequelize): SearchEngine {
  let engine = engines.get(sequelize);
  if (!engine) {
    engine = dialectOf(sequelize) === "postgres" ? new PostgresEngine(sequelize) : new SqliteEngine(sequelize);
    engines.set(sequelize, engine);
  }
  return engine;
}
