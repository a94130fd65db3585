import { DataTypes, type QueryInterface } from "sequelize";
import { dropColumn } from "../../../core/sdk/index.ts";

// A folder (and everything under it) open only to the space's moderators.
export async function up(qi: QueryInterface) {
  await qi.addColumn("documents_folders", "is_restricted", { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
}

export async function down(qi: QueryInterface) {
  await dropColumn(qi, "documents_folders", "is_restricted");
}
