import { DataTypes, Op } from "sequelize";
import type { MigrationContext } from "../db/migrate.ts";

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const ref = (model: string, onDelete: "CASCADE" | "SET NULL" = "CASCADE", allowNull = false) => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model, key: "id" },
  onDelete,
});
const onContent = { comment_id: null };
const onComment = { comment_id: { [Op.ne]: null } };

/** Comments (one level of replies) and reactions on contents and comments. */
export async function up(qi: MigrationContext) {
  await qi.createTable("comments", {
    id,
    content_id: ref("contents"),
    // Always a top-level comment: a reply to a reply is attached to its top-level parent.
    parent_id: ref("comments", "CASCADE", true),
    author_id: ref("users"),
    body: { type: DataTypes.TEXT, allowNull: false },
    // Rendered and sanitised once at write time, with the mentions that existed then.
    body_html: { type: DataTypes.TEXT, allowNull: false },
    edited_at: { type: DataTypes.DATE, allowNull: true },
    deleted_at: { type: DataTypes.DATE, allowNull: true },
    hidden_at: { type: DataTypes.DATE, allowNull: true },
    hidden_by: ref("users", "SET NULL", true),
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("comments", ["content_id", "id"], { name: "comments_content" });
  // The latest top-level comments of an entry, without walking past its replies.
  await qi.addIndex("comments", ["content_id", "id"], { name: "comments_content_top", where: { parent_id: null } });
  await qi.addIndex("comments", ["parent_id", "id"], { name: "comments_parent", where: { parent_id: { [Op.ne]: null } } });

  await qi.createTable("reactions", {
    id,
    content_id: ref("contents"),
    comment_id: ref("comments", "CASCADE", true),
    user_id: ref("users"),
    kind: { type: DataTypes.STRING(16), allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  // One reaction per person per item: on the content itself, or on one of its comments.
  await qi.addIndex("reactions", ["content_id", "user_id"], { name: "reactions_content_user", unique: true, where: onContent });
  await qi.addIndex("reactions", ["comment_id", "user_id"], { name: "reactions_comment_user", unique: true, where: onComment });
  // Counts by kind for a page of entries or comments, read from the index alone (SQLite needs comment_id in it
  // to check "IS NULL" without reading the row).
  await qi.addIndex("reactions", ["content_id", "kind", "user_id", "comment_id"], { name: "reactions_content_kinds", where: onContent });
  await qi.addIndex("reactions", ["comment_id", "kind", "user_id"], { name: "reactions_comment_kinds", where: onComment });
  // "Who reacted", newest first, by keyset.
  await qi.addIndex("reactions", ["content_id", "id"], { name: "reactions_content_list", where: onContent });
  await qi.addIndex("reactions", ["comment_id", "id"], { name: "reactions_comment_list", where: onComment });
}

export async function down(qi: MigrationContext) {
  await qi.dropTable("reactions");
  await qi.dropTable("comments");
}
