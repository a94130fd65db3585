import { DataTypes, Op } from "sequelize";
import type { MigrationContext } from "../db/migrate.ts";

const ref = (model: string, onDelete: "CASCADE" | "SET NULL", allowNull: boolean) => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model, key: "id" },
  onDelete,
});

/** Reports of contents and comments, the indexes the moderation queue and hidden list page on, and audit log filters. */
export async function up(qi: MigrationContext) {
  await qi.createTable("content_reports", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    content_id: ref("contents", "CASCADE", false),
    // Set when a comment is reported (the content_id is then the comment's content); no FK: comments have their own migration.
    comment_id: { type: DataTypes.INTEGER, allowNull: true },
    reporter_id: ref("users", "CASCADE", false),
    reason: { type: DataTypes.STRING(32), allowNull: false },
    note: { type: DataTypes.TEXT, allowNull: true },
    // open → dismissed (nothing wrong) or actioned (hidden or deleted).
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "open" },
    resolved_at: { type: DataTypes.DATE, allowNull: true },
    resolved_by: ref("users", "SET NULL", true),
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  // The queue walks open reports newest first; the partial index holds only what is waiting.
  await qi.addIndex("content_reports", ["id"], { name: "content_reports_open", where: { status: "open" } });
  // Every report of one target: the queue's "newest per target" probe, counts, and resolving them all.
  await qi.addIndex("content_reports", ["content_id", "comment_id", "status", "id"], { name: "content_reports_target" });
  // One open report per person and target, enforced by the database (NULL comment ids never collide, hence two indexes).
  await qi.addIndex("content_reports", ["content_id", "reporter_id"], { name: "content_reports_open_content_unique", unique: true, where: { status: "open", comment_id: null } });
  await qi.addIndex("content_reports", ["comment_id", "reporter_id"], { name: "content_reports_open_comment_unique", unique: true, where: { status: "open", comment_id: { [Op.ne]: null } } });
  await qi.addIndex("content_reports", ["reporter_id"], { name: "content_reports_reporter" });

  // Hidden contents, most recently hidden first, for moderators to review and restore.
  await qi.addIndex("contents", ["hidden_at", "id"], { name: "contents_hidden", where: { hidden_at: { [Op.ne]: null } } });
  // The audit log page filters by actor, paged by id.
  await qi.addIndex("audit_log", ["actor_id", "id"], { name: "audit_log_actor" });
}

export async function down(qi: MigrationContext) {
  await qi.removeIndex("audit_log", "audit_log_actor");
  await qi.removeIndex("contents", "contents_hidden");
  await qi.dropTable("content_reports");
}
