import { DataTypes, Op } from "sequelize";
import { dropColumn, type MigrationContext } from "../db/migrate.ts";

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const createdAt = { created_at: { type: DataTypes.DATE, allowNull: false } };
const timestamps = { ...createdAt, updated_at: { type: DataTypes.DATE, allowNull: false } };
const ref = (model: string, onDelete: "CASCADE" | "SET NULL" = "CASCADE", allowNull = false) => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model, key: "id" },
  onDelete,
});

/** The contents table every stream entry lives in, posts, edit history, mentions, topics and follows. */
export async function up(qi: MigrationContext) {
  await qi.createTable("contents", {
    id,
    type: { type: DataTypes.STRING(32), allowNull: false },
    ref_id: { type: DataTypes.INTEGER, allowNull: true },
    container_type: { type: DataTypes.STRING(32), allowNull: false },
    container_id: { type: DataTypes.INTEGER, allowNull: false },
    // "<container_type>:<container_id>": one IN list over one index serves a dashboard of many container types.
    stream_key: { type: DataTypes.STRING(48), allowNull: false },
    author_id: ref("users"),
    sort_at: { type: DataTypes.DATE, allowNull: false },
    edited_at: { type: DataTypes.DATE, allowNull: true },
    deleted_at: { type: DataTypes.DATE, allowNull: true },
    deleted_by: ref("users", "SET NULL", true),
    hidden_at: { type: DataTypes.DATE, allowNull: true },
    hidden_by: ref("users", "SET NULL", true),
    pinned_at: { type: DataTypes.DATE, allowNull: true },
    comment_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    reaction_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    ...timestamps,
  });
  await qi.addIndex("contents", ["stream_key", "sort_at", "id"], {
    name: "contents_stream",
    // Deleted and hidden rows are never streamed: the partial index keeps every stream scan index-only.
    where: { deleted_at: null, hidden_at: null },
  });
  await qi.addIndex("contents", ["author_id", "sort_at", "id"], { name: "contents_author", where: { deleted_at: null, hidden_at: null } });
  // ref_id first: with type first, SQLite (no statistics) took `type = 'post'` alone as selective and walked every post.
  await qi.addIndex("contents", ["ref_id", "type"], { name: "contents_ref" });
  await qi.addIndex("contents", ["stream_key", "pinned_at"], { name: "contents_pinned", where: { pinned_at: { [Op.ne]: null } } });

  await qi.createTable("posts", {
    id,
    title: { type: DataTypes.STRING(200), allowNull: true },
    body: { type: DataTypes.TEXT, allowNull: false },
    // Rendered and sanitised once at write time, with the mentions that existed then.
    body_html: { type: DataTypes.TEXT, allowNull: false },
    ...timestamps,
  });

  await qi.createTable("content_revisions", {
    id,
    content_id: ref("contents"),
    editor_id: ref("users"),
    title: { type: DataTypes.STRING(200), allowNull: true },
    body: { type: DataTypes.TEXT, allowNull: false },
    ...createdAt,
  });
  await qi.addIndex("content_revisions", ["content_id", "id"], { name: "content_revisions_content" });

  await qi.createTable("mentions", {
    id,
    content_id: ref("contents"),
    // Set when the mention is in a comment; the comments table comes with its own migration.
    comment_id: { type: DataTypes.INTEGER, allowNull: true },
    user_id: ref("users"),
    ...createdAt,
  });
  await qi.addIndex("mentions", ["user_id", "content_id"], { name: "mentions_user" });
  await qi.addIndex("mentions", ["content_id"], { name: "mentions_content" });

  await qi.createTable("topics", {
    id,
    // Lower-cased, accents kept: #Qualité and #qualité are one topic.
    name: { type: DataTypes.STRING(64), allowNull: false },
    label: { type: DataTypes.STRING(64), allowNull: false },
    ...createdAt,
  });
  await qi.addIndex("topics", ["name"], { unique: true, name: "topics_name" });

  await qi.createTable("content_topics", {
    content_id: { ...ref("contents"), primaryKey: true },
    topic_id: { ...ref("topics"), primaryKey: true },
    sort_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("content_topics", ["topic_id", "sort_at", "content_id"], { name: "content_topics_topic" });

  await qi.createTable("topic_follows", {
    topic_id: { ...ref("topics"), primaryKey: true },
    user_id: { ...ref("users"), primaryKey: true },
    ...createdAt,
  });
  await qi.addIndex("topic_follows", ["user_id"], { name: "topic_follows_user" });

  await qi.createTable("user_follows", {
    follower_id: { ...ref("users"), primaryKey: true },
    followed_id: { ...ref("users"), primaryKey: true },
    ...createdAt,
  });
  await qi.addIndex("user_follows", ["followed_id"], { name: "user_follows_followed" });

  await qi.addColumn("users", "stream_seen_at", { type: DataTypes.DATE, allowNull: true });
}

export async function down(qi: MigrationContext) {
  await dropColumn(qi, "users", "stream_seen_at");
  for (const table of ["user_follows", "topic_follows", "content_topics", "topics", "mentions", "content_revisions", "posts", "contents"]) {
    await qi.dropTable(table);
  }
}
