import { DataTypes, type QueryInterface } from "sequelize";
import { dropColumn } from "../../../core/sdk/index.ts";

// Search keeps the text of files in folders for moderators only (the space's moderators find it; search's
// visibility rule hides it from everyone else): a version is "live" while its document is out of the trash,
// and in_restricted says it sits in such a folder. Versions that were left out for being restricted come back.
export async function up(qi: QueryInterface) {
  await qi.addColumn("documents_versions", "in_restricted", { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
  await qi.sequelize.query(
    "UPDATE documents_versions SET in_restricted = :yes, is_live = :yes WHERE is_live = :no AND document_id IN (SELECT id FROM documents WHERE deleted_at IS NULL)",
    { replacements: { yes: true, no: false } },
  );
}

export async function down(qi: QueryInterface) {
  await qi.sequelize.query("UPDATE documents_versions SET is_live = :no WHERE in_restricted = :yes", { replacements: { yes: true, no: false } });
  await dropColumn(qi, "documents_versions", "in_restricted");
}
