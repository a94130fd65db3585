import { DataTypes, type QueryInterface } from "sequelize";
import { dropColumn } from "../../../core/sdk/index.ts";

// Whether a version's file has a thumbnail (images): the listing shows it without asking for each file.
export async function up(qi: QueryInterface) {
  await qi.addColumn("documents_versions", "has_thumbnail", { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
}

export async function down(qi: QueryInterface) {
  await dropColumn(qi, "documents_versions", "has_thumbnail");
}
