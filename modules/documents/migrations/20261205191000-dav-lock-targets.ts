import { DataTypes, type QueryInterface } from "sequelize";

// What a WebDAV lock was taken on (the document or folder, and the folder it sat in), so a lock whose file was
// deleted, renamed or moved on the web pages ends instead of blocking its old address until it expires.
export async function up(qi: QueryInterface) {
  await qi.addColumn("documents_dav_locks", "document_id", { type: DataTypes.INTEGER, allowNull: true });
  await qi.addColumn("documents_dav_locks", "folder_id", { type: DataTypes.INTEGER, allowNull: true });
  await qi.addColumn("documents_dav_locks", "parent_id", { type: DataTypes.INTEGER, allowNull: true });
}

export async function down(qi: QueryInterface) {
  await qi.removeColumn("documents_dav_locks", "parent_id");
  await qi.removeColumn("documents_dav_locks", "folder_id");
  await qi.removeColumn("documents_dav_locks", "document_id");
}
