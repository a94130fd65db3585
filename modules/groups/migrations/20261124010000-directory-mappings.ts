import { DataTypes } from "sequelize";
import type { QueryInterface } from "sequelize";
import { dropColumn } from "../../../core/sdk/index.ts";

/**
 * Directory group mappings (an LDAP group DN → an Agora group and role) and where each membership
 * comes from: "manual" (joined, invited, added by hand) or "directory" (granted by a mapping, so
 * only the directory takes it away).
 */
export async function up(qi: QueryInterface) {
  await qi.addColumn("group_memberships", "source", { type: DataTypes.STRING(16), allowNull: false, defaultValue: "manual" });
  await qi.createTable("group_directory_mappings", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    // normalizeDn form (core/auth/ldap/dn.ts), the same spelling as the "ldap.memberships" hook's.
    group_dn: { type: DataTypes.STRING(1000), allowNull: false },
    group_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "groups", key: "id" }, onDelete: "CASCADE" },
    role: { type: DataTypes.STRING(16), allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  // Looked up by DN at every login (WHERE group_dn IN (...)); one mapping per DN and group.
  await qi.addIndex("group_directory_mappings", ["group_dn", "group_id"], { unique: true, name: "group_directory_mappings_dn" });
  await qi.addIndex("group_directory_mappings", ["group_id"], { name: "group_directory_mappings_group" });
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("group_directory_mappings");
  await dropColumn(qi, "group_memberships", "source");
}
