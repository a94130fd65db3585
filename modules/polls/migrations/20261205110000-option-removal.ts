import { DataTypes, type QueryInterface } from "sequelize";
import { dropColumn } from "../../../core/sdk/index.ts";

// An option removed after people chose it leaves the ballot but keeps its answers (and its line in the results).
export async function up(qi: QueryInterface) {
  await qi.addColumn("poll_options", "removed_at", { type: DataTypes.DATE, allowNull: true });
}

export async function down(qi: QueryInterface) {
  await dropColumn(qi, "poll_options", "removed_at");
}
