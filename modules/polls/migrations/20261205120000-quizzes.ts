import { DataTypes, type QueryInterface } from "sequelize";
import { dropColumn } from "../../../core/sdk/index.ts";

// Quizzes on the ballot engine: correct options, points and explanations, attempts with their scores, and
// each person's choice to stay off leaderboards (its render-epoch triggers come in the next migration).
export async function up(qi: QueryInterface) {
  await qi.addColumn("polls", "max_attempts", { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 });
  await qi.addColumn("polls", "reveal", { type: DataTypes.STRING(16), allowNull: false, defaultValue: "attempt" });
  await qi.addColumn("polls", "has_leaderboard", { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
  await qi.addColumn("poll_questions", "points", { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
  await qi.addColumn("poll_questions", "explanation", { type: DataTypes.TEXT, allowNull: true });
  await qi.addColumn("poll_options", "is_correct", { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
  await qi.createTable("quiz_attempts", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    poll_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "polls", key: "id" }, onDelete: "CASCADE" },
    user_id: { type: DataTypes.INTEGER, allowNull: false },
    attempt: { type: DataTypes.INTEGER, allowNull: false },
    score: { type: DataTypes.INTEGER, allowNull: false },
    max_score: { type: DataTypes.INTEGER, allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  // One row per attempt number: two submissions at once cannot both be "attempt 1".
  await qi.addIndex("quiz_attempts", ["poll_id", "user_id", "attempt"], { unique: true });
  await qi.createTable("quiz_leaderboard_optouts", {
    user_id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
  });
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("quiz_leaderboard_optouts");
  await qi.dropTable("quiz_attempts");
  await dropColumn(qi, "poll_options", "is_correct");
  for (const column of ["explanation", "points"]) await dropColumn(qi, "poll_questions", column);
  for (const column of ["has_leaderboard", "reveal", "max_attempts"]) await dropColumn(qi, "polls", column);
}
