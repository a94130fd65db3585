import { DataTypes, type QueryInterface } from "sequelize";
import { dropColumn } from "../../../core/sdk/index.ts";

// What search reads of each upload: the note's text on the batch; on each version, its document's name and
// whether it is live (kept in step by the module on rename, move to the trash and restore) and the text
// extracted from its file in background work.
export async function up(qi: QueryInterface) {
  await qi.addColumn("documents_batches", "note", { type: DataTypes.TEXT, allowNull: false, defaultValue: "" });
  await qi.addColumn("documents_versions", "doc_name", { type: DataTypes.STRING(255), allowNull: false, defaultValue: "" });
  await qi.addColumn("documents_versions", "is_live", { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true });
  await qi.addColumn("documents_versions", "extracted_text", { type: DataTypes.TEXT, allowNull: true });
}

export async function down(qi: QueryInterface) {
  await dropColumn(qi, "documents_versions", "extracted_text");
  await dropColumn(qi, "documents_versions", "is_live");
  await dropColumn(qi, "documents_versions", "doc_name");
  await dropColumn(qi, "documents_batches", "note");
}
