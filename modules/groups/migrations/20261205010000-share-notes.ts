import { DataTypes } from "sequelize";
import type { QueryInterface } from "sequelize";

/** A share's optional note (Markdown and its sanitised HTML), one row per share content; it goes with the share. */
export async function up(qi: QueryInterface) {
  await qi.createTable("group_share_notes", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    content_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "contents", key: "id" }, onDelete: "CASCADE" },
    body: { type: DataTypes.TEXT, allowNull: false },
    body_html: { type: DataTypes.TEXT, allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  // One note per share, found by its content (a page's shares; the cascade when a share is deleted for good).
  await qi.addIndex("group_share_notes", ["content_id"], { unique: true, name: "group_share_notes_content" });
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("group_share_notes");
}
