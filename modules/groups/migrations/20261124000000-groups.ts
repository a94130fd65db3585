import { DataTypes } from "sequelize";
import type { QueryInterface } from "sequelize";

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const createdAt = { created_at: { type: DataTypes.DATE, allowNull: false } };
const timestamps = { ...createdAt, updated_at: { type: DataTypes.DATE, allowNull: false } };
const ref = (model: string, onDelete: "CASCADE" | "SET NULL" = "CASCADE", allowNull = false) => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model, key: "id" },
  onDelete,
});

/** The categories a new install starts with; their names come from the catalogue until an admin renames them. */
const defaultCategories = ["department", "project", "community", "club", "onboarding"];

/** Groups, memberships, join requests, invitations, categories, per-group permissions, images, settings, creation proposals. */
export async function up(qi: QueryInterface) {
  await qi.createTable("group_categories", {
    id,
    // A built-in category's key (its name is translated); null for one an admin added.
    slug: { type: DataTypes.STRING(32), allowNull: true },
    name: { type: DataTypes.STRING(64), allowNull: true },
    position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    ...timestamps,
  });
  const now = new Date();
  await qi.bulkInsert(
    "group_categories",
    defaultCategories.map((slug, index) => ({ slug, name: null, position: index, created_at: now, updated_at: now })),
  );

  await qi.createTable("groups", {
    id,
    slug: { type: DataTypes.STRING(64), allowNull: false },
    name: { type: DataTypes.STRING(100), allowNull: false },
    // Lower-cased name: the directory's order and search, the same on both databases.
    sort_name: { type: DataTypes.STRING(100), allowNull: false },
    description: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
    // Plain-text start of the description, made once at write time for the directory's cards.
    summary: { type: DataTypes.STRING(200), allowNull: false, defaultValue: "" },
    category_id: ref("group_categories", "SET NULL", true),
    // Lower-cased, space-separated, each wrapped in spaces (" a b "), so a tag search is LIKE '% tag %'.
    tags: { type: DataTypes.STRING(400), allowNull: false, defaultValue: "" },
    visibility: { type: DataTypes.STRING(16), allowNull: false },
    is_archived: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    is_default: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    cover_key: { type: DataTypes.STRING(40), allowNull: true },
    icon_key: { type: DataTypes.STRING(40), allowNull: true },
    member_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    created_by: ref("users", "SET NULL", true),
    archived_at: { type: DataTypes.DATE, allowNull: true },
    ...timestamps,
  });
  await qi.addIndex("groups", ["slug"], { unique: true, name: "groups_slug" });
  // The directory pages by (sort_name, id) among live or archived groups, optionally in one category.
  await qi.addIndex("groups", ["is_archived", "sort_name", "id"], { name: "groups_directory" });
  await qi.addIndex("groups", ["category_id", "sort_name", "id"], { name: "groups_category" });
  await qi.addIndex("groups", ["visibility", "id"], { name: "groups_visibility" });
  await qi.addIndex("groups", ["is_default"], { name: "groups_default", where: { is_default: true } });

  await qi.createTable("group_memberships", {
    group_id: { ...ref("groups"), primaryKey: true },
    user_id: { ...ref("users"), primaryKey: true },
    role: { type: DataTypes.STRING(16), allowNull: false },
    show_on_dashboard: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    notification_level: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "all" },
    ...timestamps,
  });
  await qi.addIndex("group_memberships", ["user_id", "group_id"], { name: "group_memberships_user" });
  await qi.addIndex("group_memberships", ["group_id", "role"], { name: "group_memberships_role" });

  await qi.createTable("group_requests", {
    id,
    group_id: ref("groups"),
    user_id: ref("users"),
    message: { type: DataTypes.STRING(500), allowNull: false, defaultValue: "" },
    ...createdAt,
  });
  await qi.addIndex("group_requests", ["group_id", "user_id"], { unique: true, name: "group_requests_group_user" });
  await qi.addIndex("group_requests", ["user_id"], { name: "group_requests_user" });

  await qi.createTable("group_invitations", {
    id,
    group_id: ref("groups"),
    inviter_id: ref("users", "SET NULL", true),
    // An invitation to an existing account; null until an e-mail invitation is claimed.
    user_id: ref("users", "CASCADE", true),
    email: { type: DataTypes.STRING(254), allowNull: true },
    // SHA-256 of the e-mailed link's token; null for invitations to existing accounts.
    token_hash: { type: DataTypes.STRING(64), allowNull: true },
    expires_at: { type: DataTypes.DATE, allowNull: false },
    ...createdAt,
  });
  await qi.addIndex("group_invitations", ["group_id", "user_id"], { unique: true, name: "group_invitations_group_user" });
  await qi.addIndex("group_invitations", ["user_id"], { name: "group_invitations_user" });
  await qi.addIndex("group_invitations", ["token_hash"], { unique: true, name: "group_invitations_token" });
  await qi.addIndex("group_invitations", ["email"], { name: "group_invitations_email" });

  await qi.createTable("group_permissions", {
    group_id: { ...ref("groups"), primaryKey: true },
    permission_id: { type: DataTypes.STRING(100), allowNull: false, primaryKey: true },
    // JSON array of the group roles granted the permission in this group.
    roles: { type: DataTypes.STRING(200), allowNull: false },
    ...timestamps,
  });

  await qi.createTable("group_images", {
    group_id: { ...ref("groups"), primaryKey: true },
    kind: { type: DataTypes.STRING(8), allowNull: false, primaryKey: true },
    mime: { type: DataTypes.STRING(32), allowNull: false },
    data: { type: DataTypes.BLOB, allowNull: false },
    ...timestamps,
  });

  await qi.createTable("group_settings", {
    key: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
    value: { type: DataTypes.TEXT, allowNull: false },
    ...timestamps,
  });

  await qi.createTable("group_proposals", {
    id,
    user_id: ref("users"),
    name: { type: DataTypes.STRING(100), allowNull: false },
    description: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
    visibility: { type: DataTypes.STRING(16), allowNull: false },
    reason: { type: DataTypes.STRING(500), allowNull: false, defaultValue: "" },
    ...createdAt,
  });
}

export async function down(qi: QueryInterface) {
  for (const table of ["group_proposals", "group_settings", "group_images", "group_permissions", "group_invitations", "group_requests", "group_memberships", "groups", "group_categories"]) {
    await qi.dropTable(table);
  }
}
