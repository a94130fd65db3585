import type { QueryInterface } from "sequelize";
import { dropRenderTriggers, epochTriggers, type Dialect } from "../../../core/sdk/index.ts";

/**
 * Stream entries show group names and links, and what a reader may do with an entry follows from their
 * role in its group: a change to either makes every cached entry stale (core/db/render-versions.ts).
 */
const sources: [string, string[]?][] = [
  ["groups", ["name", "slug", "visibility", "is_archived"]],
  ["group_memberships", ["role", "user_id", "group_id"]],
];

export async function up(qi: QueryInterface) {
  const dialect = qi.sequelize.getDialect() as Dialect;
  for (const [table, columns] of sources) for (const statement of epochTriggers(dialect, table, columns)) await qi.sequelize.query(statement);
}

export async function down(qi: QueryInterface) {
  const dialect = qi.sequelize.getDialect() as Dialect;
  for (const [table] of sources) for (const statement of dropRenderTriggers(dialect, table)) await qi.sequelize.query(statement);
}
