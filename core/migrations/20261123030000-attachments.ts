import { DataTypes } from "sequelize";
import type { MigrationContext } from "../db/migrate.ts";

/** Files and images attached to a content or to one of its comments; the bytes live under uploads/, never in the database. */
export async function up(qi: MigrationContext) {
  await qi.createTable("attachments", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    // Set for comment attachments too (the comment's content): reading a file is reading that content.
    content_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "contents", key: "id" }, onDelete: "CASCADE" },
    // No foreign key: the comments table comes with its own migration, owned by the comments feature.
    comment_id: { type: DataTypes.INTEGER, allowNull: true },
    uploader_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" }, onDelete: "CASCADE" },
    // Relative to the uploads dir, "<yyyy>/<mm>/<uuid>": made by the server, never from the uploaded name.
    storage_key: { type: DataTypes.STRING(64), allowNull: false },
    original_name: { type: DataTypes.STRING(255), allowNull: false },
    mime: { type: DataTypes.STRING(128), allowNull: false },
    size: { type: DataTypes.BIGINT, allowNull: false },
    width: { type: DataTypes.INTEGER, allowNull: true },
    height: { type: DataTypes.INTEGER, allowNull: true },
    thumbnail_key: { type: DataTypes.STRING(64), allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("attachments", ["content_id"], { name: "attachments_content" });
  await qi.addIndex("attachments", ["comment_id"], { name: "attachments_comment" });
}

export async function down(qi: MigrationContext) {
  await qi.dropTable("attachments");
}
