import { DataTypes } from "sequelize";
import { dropColumn, type MigrationContext } from "../db/migrate.ts";
import { epochTriggers, type Dialect } from "../db/render-versions.ts";

/**
 * The photo's key moves from user_profiles to users: every place that shows a person (stream entries,
 * comments, notifications, lists) already reads the users row, so faces cost no statement of their own.
 * A new photo moves the render epoch like a new name does (cached entries show it on the next load).
 */
export async function up(qi: MigrationContext) {
  const dialect = qi.sequelize.getDialect() as Dialect;
  await qi.addColumn("users", "photo_key", { type: DataTypes.STRING(32), allowNull: true });
  await qi.sequelize.query("UPDATE users SET photo_key = (SELECT p.photo_key FROM user_profiles p WHERE p.user_id = users.id)");
  await dropColumn(qi, "user_profiles", "photo_key");
  for (const statement of epochTriggers(dialect, "users", ["username", "display_name", "role", "status", "photo_key"], ["update"])) await qi.sequelize.query(statement);
}

export async function down(qi: MigrationContext) {
  const dialect = qi.sequelize.getDialect() as Dialect;
  for (const statement of epochTriggers(dialect, "users", ["username", "display_name", "role", "status"], ["update"])) await qi.sequelize.query(statement);
  await qi.addColumn("user_profiles", "photo_key", { type: DataTypes.STRING(32), allowNull: true });
  await qi.sequelize.query("UPDATE user_profiles SET photo_key = (SELECT u.photo_key FROM users u WHERE u.id = user_profiles.user_id)");
  await dropColumn(qi, "users", "photo_key");
}
