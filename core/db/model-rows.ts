import type { Model, ModelStatic, QueryOptionsWithModel } from "sequelize";
import { sqliteDate, sqliteModelRows } from "./sqlite-model-rows.ts";

/**
 * Rows of a model's table read by plain SQL (`SELECT t.* ...`), as instances of the model: for hot paths
 * where findAll's query building costs more than the query (the session, the stream). Columns the model
 * does not have stay in dataValues for the caller to take. On SQLite the driver's rows are read directly
 * (core/db/sqlite-model-rows.ts); PostgreSQL's driver gives typed values to Sequelize's query.
 */
export function modelRows<M extends Model>(model: ModelStatic<M>, sql: string, replacements: Record<string, unknown>): Promise<M[]> {
  if (model.sequelize!.getDialect() === "sqlite") return sqliteModelRows(model, sql, replacements);
  return model.sequelize!.query(sql, { replacements, model, mapToModel: true } as QueryOptionsWithModel<M>);
}

/** Takes a column the model does not have (an alias such as `agora_...`) out of an instance read by modelRows. */
export function takeColumn(instance: Model, name: string): unknown {
  const values = instance.dataValues as Record<string, unknown>;
  const value = values[name];
  delete values[name];
  return value;
}

/**
 * A date column read through an alias: PostgreSQL gives a Date, SQLite the text Sequelize wrote
 * ("2026-11-24 03:24:45.806 +00:00"), read by the rule of the model's own columns (text without an
 * offset, as SQLite's CURRENT_TIMESTAMP writes, is UTC: Agora's connections keep Sequelize's +00:00).
 */
export function columnDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : sqliteDate(value, "+00:00");
}
