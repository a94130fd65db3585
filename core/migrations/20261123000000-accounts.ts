import { DataTypes, Op } from "sequelize";
import type { MigrationContext } from "../db/migrate.ts";

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const timestamps = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
};
const userRef = (onDelete: "CASCADE" | "SET NULL", allowNull: boolean) => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model: "users", key: "id" },
  onDelete,
});

export async function up(qi: MigrationContext) {
  await qi.createTable("users", {
    id,
    email: { type: DataTypes.STRING(254), allowNull: false },
    username: { type: DataTypes.STRING(64), allowNull: false },
    display_name: { type: DataTypes.STRING(100), allowNull: false },
    password_hash: { type: DataTypes.STRING(255), allowNull: true },
    role: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "member" },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "active" },
    language: { type: DataTypes.STRING(8), allowNull: true },
    auth_source: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "local" },
    last_login_at: { type: DataTypes.DATE, allowNull: true },
    ...timestamps,
  });
  await qi.addIndex("users", ["email"], { unique: true, name: "users_email_unique" });
  await qi.addIndex("users", ["username"], { unique: true, name: "users_username_unique" });
  await qi.addIndex("users", ["display_name", "id"], { name: "users_display_name" });
  await qi.addIndex("users", ["status", "id"], { name: "users_status" });

  await qi.createTable("sessions", {
    id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    user_id: userRef("CASCADE", true),
    data: { type: DataTypes.TEXT, allowNull: false },
    expires_at: { type: DataTypes.DATE, allowNull: false },
    ...timestamps,
  });
  await qi.addIndex("sessions", ["user_id"], { name: "sessions_user" });
  await qi.addIndex("sessions", ["expires_at"], { name: "sessions_expires" });

  await qi.createTable("settings", {
    key: { type: DataTypes.STRING(100), primaryKey: true, allowNull: false },
    value: { type: DataTypes.TEXT, allowNull: false },
    ...timestamps,
  });

  await qi.createTable("module_states", {
    id,
    module_id: { type: DataTypes.STRING(64), allowNull: false },
    container_type: { type: DataTypes.STRING(32), allowNull: true },
    container_id: { type: DataTypes.INTEGER, allowNull: true },
    state: { type: DataTypes.STRING(16), allowNull: false },
    ...timestamps,
  });
  // NULLs are distinct in unique indexes, so the instance row gets its own partial index.
  await qi.addIndex("module_states", ["module_id"], { unique: true, name: "module_states_instance", where: { container_id: null } });
  await qi.addIndex("module_states", ["container_type", "container_id", "module_id"], {
    unique: true,
    name: "module_states_container",
    where: { container_id: { [Op.ne]: null } },
  });

  await qi.createTable("invitations", {
    id,
    email: { type: DataTypes.STRING(254), allowNull: false },
    token_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    role: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "member" },
    invited_by_id: userRef("SET NULL", true),
    expires_at: { type: DataTypes.DATE, allowNull: false },
    accepted_at: { type: DataTypes.DATE, allowNull: true },
    ...timestamps,
  });
  await qi.addIndex("invitations", ["email"], { name: "invitations_email" });

  await qi.createTable("password_resets", {
    id,
    user_id: userRef("CASCADE", false),
    token_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    expires_at: { type: DataTypes.DATE, allowNull: false },
    used_at: { type: DataTypes.DATE, allowNull: true },
    ...timestamps,
  });
  await qi.addIndex("password_resets", ["user_id"], { name: "password_resets_user" });

  await qi.createTable("audit_log", {
    id,
    actor_id: userRef("SET NULL", true),
    action: { type: DataTypes.STRING(64), allowNull: false },
    subject_type: { type: DataTypes.STRING(32), allowNull: true },
    subject_id: { type: DataTypes.STRING(64), allowNull: true },
    details: { type: DataTypes.TEXT, allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("audit_log", ["created_at", "id"], { name: "audit_log_created" });
}

export async function down(qi: MigrationContext) {
  for (const table of ["audit_log", "password_resets", "invitations", "module_states", "settings", "sessions", "users"]) {
    await qi.dropTable(table);
  }
}
