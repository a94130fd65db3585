import { DataTypes, type QueryInterface } from "sequelize";
import { dropColumn } from "../../../core/sdk/index.ts";

// A contest's winner announcement: set in the transaction that writes the announcement's content, only where
// it is still empty (the UPDATE's WHERE), so closing twice, or reopening and closing, never announces twice.
export async function up(qi: QueryInterface) {
  await qi.addColumn("polls", "winner_announced_at", { type: DataTypes.DATE, allowNull: true });
  await qi.addColumn("polls", "winners", { type: DataTypes.TEXT, allowNull: true });
}

export async function down(qi: QueryInterface) {
  for (const column of ["winners", "winner_announced_at"]) await dropColumn(qi, "polls", column);
}
