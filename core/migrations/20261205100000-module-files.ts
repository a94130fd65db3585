import { DataTypes, type QueryInterface } from "sequelize";

/** Files stored by modules (host.files); the bytes live under uploads/modules/<module id>/, never in the database. */
export async function up(qi: QueryInterface) {
  await qi.createTable("module_files", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    module_id: { type: DataTypes.STRING(64), allowNull: false },
    content_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "contents", key: "id" }, onDelete: "CASCADE" },
    // A file a module made itself has no uploader; an account's removal keeps the files of contents that stay.
    uploader_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" },
    storage_key: { type: DataTypes.STRING(128), allowNull: false },
    thumbnail_key: { type: DataTypes.STRING(128), allowNull: true },
    original_name: { type: DataTypes.STRING(255), allowNull: false },
    mime: { type: DataTypes.STRING(128), allowNull: false },
    size: { type: DataTypes.BIGINT, allowNull: false },
    width: { type: DataTypes.INTEGER, allowNull: true },
    height: { type: DataTypes.INTEGER, allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("module_files", ["content_id"], { name: "module_files_content" });
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("module_files");
}
