import type { QueryInterface } from "sequelize";
import { dropRenderTriggers, epochTriggers, type Dialect } from "../../../core/sdk/index.ts";

/**
 * A group's permissions (who posts, who writes a module's kind) decide what its members may do with its
 * entries and where the dashboard's "Post to" list lets them write: a change moves the render epoch
 * (core/db/render-versions.ts), so cached entries and remembered "Post to" lists are made again. Admins
 * change permissions rarely; every dashboard reading them did not.
 */
export async function up(qi: QueryInterface) {
  const dialect = qi.sequelize.getDialect() as Dialect;
  for (const statement of epochTriggers(dialect, "group_permissions")) await qi.sequelize.query(statement);
}

export async function down(qi: QueryInterface) {
  const dialect = qi.sequelize.getDialect() as Dialect;
  for (const statement of dropRenderTriggers(dialect, "group_permissions")) await qi.sequelize.query(statement);
}
