import { DataTypes, type QueryInterface } from "sequelize";
import { dropColumn } from "../../../core/sdk/index.ts";

// Timed quizzes: a time limit per attempt, counted from a start the server records, and an optional bonus for speed.
export async function up(qi: QueryInterface) {
  await qi.addColumn("polls", "time_limit_seconds", { type: DataTypes.INTEGER, allowNull: true });
  await qi.addColumn("polls", "time_bonus", { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
  await qi.addColumn("quiz_attempts", "bonus", { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
  await qi.createTable("quiz_starts", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    poll_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "polls", key: "id" }, onDelete: "CASCADE" },
    user_id: { type: DataTypes.INTEGER, allowNull: false },
    attempt: { type: DataTypes.INTEGER, allowNull: false },
    started_at: { type: DataTypes.DATE, allowNull: false },
  });
  // One start per attempt: starting again does not reset the clock.
  await qi.addIndex("quiz_starts", ["poll_id", "user_id", "attempt"], { unique: true });
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("quiz_starts");
  await dropColumn(qi, "quiz_attempts", "bonus");
  for (const column of ["time_bonus", "time_limit_seconds"]) await dropColumn(qi, "polls", column);
}
