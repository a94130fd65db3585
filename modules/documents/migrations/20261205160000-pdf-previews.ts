import { DataTypes, type QueryInterface } from "sequelize";
import { dropColumn } from "../../../core/sdk/index.ts";

// A PDF version's first page, drawn in background work and stored as an image (host.files, with a thumbnail).
export async function up(qi: QueryInterface) {
  await qi.addColumn("documents_versions", "preview_file_id", { type: DataTypes.INTEGER, allowNull: true });
}

export async function down(qi: QueryInterface) {
  await dropColumn(qi, "documents_versions", "preview_file_id");
}
