import type { QueryInterface } from "sequelize";
import { dropRenderTriggers, epochTriggers, type Dialect } from "../../../core/sdk/index.ts";

// Jurors see an "Award points" action under entries: naming or removing one makes cached entries stale (the
// render epoch). Apart from the jury's tables so that core's render-versions migration can come down after this one alone.
export async function up(qi: QueryInterface) {
  const dialect = qi.sequelize.getDialect() as Dialect;
  for (const statement of epochTriggers(dialect, "recognition_jurors", ["user_id", "is_active"])) await qi.sequelize.query(statement);
}

export async function down(qi: QueryInterface) {
  const dialect = qi.sequelize.getDialect() as Dialect;
  for (const statement of dropRenderTriggers(dialect, "recognition_jurors")) await qi.sequelize.query(statement);
}
