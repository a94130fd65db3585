import type { QueryInterface } from "sequelize";
import { dropRenderTriggers, epochTriggers, type Dialect } from "../../../core/sdk/index.ts";

// A person leaving or joining quiz leaderboards redraws every cached entry (the render epoch). Apart from the
// quizzes' tables so that core's render-versions migration can come down after this one alone.
export async function up(qi: QueryInterface) {
  const dialect = qi.sequelize.getDialect() as Dialect;
  for (const statement of epochTriggers(dialect, "quiz_leaderboard_optouts")) await qi.sequelize.query(statement);
}

export async function down(qi: QueryInterface) {
  const dialect = qi.sequelize.getDialect() as Dialect;
  for (const statement of dropRenderTriggers(dialect, "quiz_leaderboard_optouts")) await qi.sequelize.query(statement);
}
