import { DataTypes, type QueryInterface } from "sequelize";
import { dropColumn } from "../../../core/sdk/index.ts";

// Contests on the ballot engine: members submit entries (options) until a date, a moderation step may hold
// them, then everyone votes, never for their own entry.
export async function up(qi: QueryInterface) {
  await qi.addColumn("polls", "submissions_close_at", { type: DataTypes.DATE, allowNull: true });
  await qi.addColumn("polls", "max_entries", { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 });
  await qi.addColumn("polls", "is_moderated", { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
  await qi.addColumn("poll_options", "is_pending", { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
}

export async function down(qi: QueryInterface) {
  await dropColumn(qi, "poll_options", "is_pending");
  for (const column of ["is_moderated", "max_entries", "submissions_close_at"]) await dropColumn(qi, "polls", column);
}
