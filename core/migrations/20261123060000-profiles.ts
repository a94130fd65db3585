import { DataTypes, Op } from "sequelize";
import type { MigrationContext } from "../db/migrate.ts";

const userRef = (onDelete: "CASCADE" | "SET NULL", allowNull: boolean) => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model: "users", key: "id" },
  onDelete,
});

/** Profiles (the fields a person fills in about themselves) and their skill and language tags. */
export async function up(qi: MigrationContext) {
  await qi.createTable("user_profiles", {
    user_id: { ...userRef("CASCADE", false), primaryKey: true },
    job_title: { type: DataTypes.STRING(100), allowNull: true },
    department: { type: DataTypes.STRING(100), allowNull: true },
    location: { type: DataTypes.STRING(100), allowNull: true },
    phone: { type: DataTypes.STRING(40), allowNull: true },
    manager_id: userRef("SET NULL", true),
    bio: { type: DataTypes.TEXT, allowNull: true },
    // Random name of the resized photos under uploads/avatars; null shows the initial.
    photo_key: { type: DataTypes.STRING(32), allowNull: true },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  // Directory filters and their facets walk these; direct reports walk the manager one.
  await qi.addIndex("user_profiles", ["department", "user_id"], { name: "user_profiles_department", where: { department: { [Op.ne]: null } } });
  await qi.addIndex("user_profiles", ["location", "user_id"], { name: "user_profiles_location", where: { location: { [Op.ne]: null } } });
  await qi.addIndex("user_profiles", ["manager_id", "user_id"], { name: "user_profiles_manager", where: { manager_id: { [Op.ne]: null } } });

  await qi.createTable("user_tags", {
    user_id: { ...userRef("CASCADE", false), primaryKey: true },
    kind: { type: DataTypes.STRING(16), allowNull: false, primaryKey: true },
    // Lower-cased, accents kept (like topics): what filters compare.
    name: { type: DataTypes.STRING(40), allowNull: false, primaryKey: true },
    label: { type: DataTypes.STRING(40), allowNull: false },
  });
  // "Find the expert": every holder of a skill is one index range.
  await qi.addIndex("user_tags", ["kind", "name", "user_id"], { name: "user_tags_kind_name" });

  // The directory pages active people by (display_name, id), and @-autocomplete seeks name and username
  // prefixes among active people: with the status first, each is one ordered index walk, no sort.
  await qi.addIndex("users", ["status", "display_name", "id"], { name: "users_active_name" });
  await qi.addIndex("users", ["status", "username"], { name: "users_active_username" });
}

export async function down(qi: MigrationContext) {
  await qi.removeIndex("users", "users_active_username");
  await qi.removeIndex("users", "users_active_name");
  await qi.dropTable("user_tags");
  await qi.dropTable("user_profiles");
}
