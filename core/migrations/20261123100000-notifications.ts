import { DataTypes, Op } from "sequelize";
import type { MigrationContext } from "../db/migrate.ts";

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const ref = (model: string, onDelete: "CASCADE" | "SET NULL" = "CASCADE", allowNull = false) => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model, key: "id" },
  onDelete,
});
const date = (allowNull: boolean) => ({ type: DataTypes.DATE, allowNull });

/** The job queue, notifications with their grouped actors, per-user settings and the followers of each content. */
export async function up(qi: MigrationContext) {
  await qi.createTable("jobs", {
    id,
    kind: { type: DataTypes.STRING(64), allowNull: false },
    payload: { type: DataTypes.TEXT, allowNull: false },
    // Enqueuing the same key twice keeps one job: a mail or a digest is never queued twice.
    idempotency_key: { type: DataTypes.STRING(191), allowNull: true, unique: true },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "pending" },
    run_at: date(false),
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    max_attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 8 },
    locked_by: { type: DataTypes.STRING(64), allowNull: true },
    locked_until: date(true),
    last_error: { type: DataTypes.TEXT, allowNull: true },
    finished_at: date(true),
    created_at: date(false),
    updated_at: date(false),
  });
  // The next due job, and running jobs whose lease ran out (their process died).
  await qi.addIndex("jobs", ["status", "run_at", "id"], { name: "jobs_due" });
  await qi.addIndex("jobs", ["finished_at"], { name: "jobs_finished", where: { finished_at: { [Op.ne]: null } } });

  await qi.createTable("notifications", {
    id,
    user_id: ref("users"),
    type: { type: DataTypes.STRING(64), allowNull: false },
    // Events with the same key (type + item) fold into one unread line: "Anna and 4 others commented on...".
    group_key: { type: DataTypes.STRING(191), allowNull: false },
    message_key: { type: DataTypes.STRING(100), allowNull: true },
    actor_id: ref("users", "SET NULL", true),
    actor_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    content_id: ref("contents", "CASCADE", true),
    container_type: { type: DataTypes.STRING(32), allowNull: true },
    container_id: { type: DataTypes.INTEGER, allowNull: true },
    url: { type: DataTypes.STRING(500), allowNull: false },
    // Title or excerpt when it happened; shown only while the recipient may still read the content.
    subject_text: { type: DataTypes.STRING(200), allowNull: true },
    // False when the web channel is off but the e-mail one is on: mailed, not listed.
    is_listed: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    read_at: date(true),
    emailed_at: date(true),
    digest_job_id: { type: DataTypes.INTEGER, allowNull: true },
    sort_at: date(false),
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.addIndex("notifications", ["user_id", "sort_at", "id"], { name: "notifications_list" });
  await qi.addIndex("notifications", ["user_id", "read_at"], { name: "notifications_unread" });
  await qi.addIndex("notifications", ["group_key", "user_id"], { name: "notifications_group" });
  await qi.addIndex("notifications", ["digest_job_id"], { name: "notifications_digest", where: { digest_job_id: { [Op.ne]: null } } });

  await qi.createTable("notification_actors", {
    notification_id: { ...ref("notifications"), primaryKey: true },
    user_id: { ...ref("users"), primaryKey: true },
  });

  // Only choices that differ from a type's defaults are stored.
  await qi.createTable("notification_preferences", {
    user_id: { ...ref("users"), primaryKey: true },
    type: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
    channel: { type: DataTypes.STRING(8), allowNull: false, primaryKey: true },
    is_enabled: { type: DataTypes.BOOLEAN, allowNull: false },
  });

  await qi.createTable("notification_settings", {
    user_id: { ...ref("users"), primaryKey: true },
    email_frequency: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "immediate" },
    quiet_start: { type: DataTypes.INTEGER, allowNull: true },
    quiet_end: { type: DataTypes.INTEGER, allowNull: true },
    time_zone: { type: DataTypes.STRING(64), allowNull: true },
    next_digest_at: date(true),
    updated_at: date(false),
  });
  await qi.addIndex("notification_settings", ["next_digest_at"], { name: "notification_settings_digest", where: { next_digest_at: { [Op.ne]: null } } });

  // Authors, commenters and mentioned people follow an item; an explicit unfollow is kept so it sticks.
  await qi.createTable("content_follows", {
    content_id: { ...ref("contents"), primaryKey: true },
    user_id: { ...ref("users"), primaryKey: true },
    is_following: { type: DataTypes.BOOLEAN, allowNull: false },
    created_at: date(false),
  });
}

export async function down(qi: MigrationContext) {
  await qi.dropTable("content_follows");
  await qi.dropTable("notification_settings");
  await qi.dropTable("notification_preferences");
  await qi.dropTable("notification_actors");
  await qi.dropTable("notifications");
  await qi.dropTable("jobs");
}
