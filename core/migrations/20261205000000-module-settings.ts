import { DataTypes, type QueryInterface } from "sequelize";

/**
 * A module's settings (core/modules/settings.ts): one row per module and scope, the values as JSON.
 * scope_key is "" for the site and "<container type>:<id>" for a container, never NULL, so one plain
 * unique index keeps a scope to one row on both databases.
 */
export async function up(qi: QueryInterface) {
  await qi.createTable("module_settings", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    module_id: { type: DataTypes.STRING(64), allowNull: false },
    scope_key: { type: DataTypes.STRING(64), allowNull: false },
    values: { type: DataTypes.TEXT, allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("module_settings", ["module_id", "scope_key"], { unique: true, name: "module_settings_scope" });
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("module_settings");
}
