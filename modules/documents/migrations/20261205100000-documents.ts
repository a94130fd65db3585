import { DataTypes, type QueryInterface } from "sequelize";

export async function up(qi: QueryInterface) {
  await qi.createTable("documents_folders", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    container_type: { type: DataTypes.STRING(32), allowNull: false },
    container_id: { type: DataTypes.INTEGER, allowNull: false },
    parent_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "documents_folders", key: "id" }, onDelete: "CASCADE" },
    name: { type: DataTypes.STRING(255), allowNull: false },
    name_key: { type: DataTypes.STRING(255), allowNull: false },
    created_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("documents_folders", ["parent_id"]);
  await qi.addIndex("documents_folders", ["created_by"]);
  // One name per folder, whatever its case: the top level (no parent) counts as folder 0.
  await qi.sequelize.query("CREATE UNIQUE INDEX documents_folders_unique_name ON documents_folders (container_type, container_id, COALESCE(parent_id, 0), name_key)");

  await qi.createTable("documents_batches", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    container_type: { type: DataTypes.STRING(32), allowNull: false },
    container_id: { type: DataTypes.INTEGER, allowNull: false },
    uploader_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" },
    // The message sent with the files, as sanitised HTML (mentions linked), shown in the stream entry.
    note_html: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("documents_batches", ["uploader_id"]);

  await qi.createTable("documents", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    container_type: { type: DataTypes.STRING(32), allowNull: false },
    container_id: { type: DataTypes.INTEGER, allowNull: false },
    folder_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "documents_folders", key: "id" }, onDelete: "SET NULL" },
    name: { type: DataTypes.STRING(255), allowNull: false },
    name_key: { type: DataTypes.STRING(255), allowNull: false },
    current_version_id: { type: DataTypes.INTEGER, allowNull: true },
    uploader_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" },
    deleted_at: { type: DataTypes.DATE, allowNull: true },
    deleted_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  // A folder's listing, in name order, page after page (keyset on name_key, id).
  await qi.addIndex("documents", ["container_type", "container_id", "folder_id", "name_key", "id"]);
  await qi.addIndex("documents", ["folder_id"]);
  await qi.addIndex("documents", ["uploader_id"]);
  await qi.addIndex("documents", ["deleted_by"]);
  await qi.addIndex("documents", ["deleted_at"]);
  // One live document per name in a folder; trashed ones do not count.
  await qi.sequelize.query(
    "CREATE UNIQUE INDEX documents_unique_live_name ON documents (container_type, container_id, COALESCE(folder_id, 0), name_key) WHERE deleted_at IS NULL",
  );

  await qi.createTable("documents_versions", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    document_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "documents", key: "id" }, onDelete: "CASCADE" },
    // A module_files row (host.files); a restored version points at the same file as the one it restores.
    file_id: { type: DataTypes.INTEGER, allowNull: false },
    uploader_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" },
    batch_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "documents_batches", key: "id" }, onDelete: "SET NULL" },
    note: { type: DataTypes.STRING(500), allowNull: false, defaultValue: "" },
    size: { type: DataTypes.BIGINT, allowNull: false },
    mime: { type: DataTypes.STRING(255), allowNull: false },
    restored_from: { type: DataTypes.INTEGER, allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("documents_versions", ["document_id", "id"]);
  await qi.addIndex("documents_versions", ["file_id"]);
  await qi.addIndex("documents_versions", ["uploader_id"]);
  await qi.addIndex("documents_versions", ["batch_id"]);
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("documents_versions");
  await qi.dropTable("documents");
  await qi.dropTable("documents_batches");
  await qi.dropTable("documents_folders");
}
