import type { Model, ModelStatic, QueryOptionsWithModel } from "sequelize";

/**
 * Rows of a model's table read by plain SQL (`SELECT t.* ...`), as instances of the model: for hot paths
 * where findAll's query building costs more than the query (the session, the stream). Columns the model
 * does not have stay in dataValues for the caller to take. tableNames: Sequelize's SQLite dialect reads
 * dates and booleans by the table's column types, which it finds by itself only in "FROM `table`".
 */
export function modelRows<M extends Model>(model: ModelStatic<M>, sql: string, replacements: Record<string, unknown>): Promise<M[]> {
  return model.sequelize!.query(sql, { replacements, model, mapToModel: true, tableNames: [model.tableName] } as QueryOptionsWithModel<M>);
}
