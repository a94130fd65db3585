import { DataTypes } from "sequelize";
import type { MigrationContext } from "../db/migrate.ts";

/**
 * Directory (LDAP/AD) accounts: which directory entry an Agora user is, by the entry's stable id
 * (entryUUID, objectGUID), so a renamed or moved entry stays the same account. The directory's
 * settings live in `settings` under the key "ldap".
 */
export async function up(qi: MigrationContext) {
  await qi.createTable("directory_accounts", {
    user_id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false, references: { model: "users", key: "id" }, onDelete: "CASCADE" },
    external_id: { type: DataTypes.STRING(255), allowNull: false },
    dn: { type: DataTypes.TEXT, allowNull: false },
    // The DN in normal form (lower case, RFC 4514 escapes): found again from a manager or member value.
    dn_key: { type: DataTypes.TEXT, allowNull: false },
    is_disabled_by_directory: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    is_admin_by_directory: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    photo_hash: { type: DataTypes.STRING(64), allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("directory_accounts", ["external_id"], { unique: true, name: "directory_accounts_external_id" });
  await qi.addIndex("directory_accounts", ["dn_key"], { name: "directory_accounts_dn_key" });
}

export async function down(qi: MigrationContext) {
  await qi.dropTable("directory_accounts");
}
