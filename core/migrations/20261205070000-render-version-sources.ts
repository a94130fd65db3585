import { DataTypes, type QueryInterface } from "sequelize";

/**
 * The render-version triggers core installed for content types' `versionedBy` (core/content/versioned-by.ts):
 * one row per content type, with the hash of what was installed and the triggers themselves (JSON), so a
 * start with nothing changed costs one SELECT and a changed declaration drops what the old one made.
 */
export async function up(qi: QueryInterface) {
  await qi.createTable("render_version_sources", {
    content_type: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    definition_hash: { type: DataTypes.STRING(64), allowNull: false },
    triggers: { type: DataTypes.TEXT, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("render_version_sources");
}
