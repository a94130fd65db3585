import type { MigrationContext } from "../db/migrate.ts";

/**
 * A content's own files are found by (content_id, comment_id IS NULL). With only single-column indexes,
 * SQLite without statistics (a young instance) picked the comment_id index for "IS NULL" and read every
 * post-level file of the instance; the two-column index answers both conditions, and serves content_id
 * alone (the foreign-key cascade) as well as the index it replaces.
 */
export async function up(qi: MigrationContext) {
  await qi.addIndex("attachments", ["content_id", "comment_id"], { name: "attachments_content_comment" });
  await qi.removeIndex("attachments", "attachments_content");
}

export async function down(qi: MigrationContext) {
  await qi.addIndex("attachments", ["content_id"], { name: "attachments_content" });
  await qi.removeIndex("attachments", "attachments_content_comment");
}
