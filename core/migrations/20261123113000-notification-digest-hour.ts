import { DataTypes } from "sequelize";
import { dropColumn, type MigrationContext } from "../db/migrate.ts";

/** The local hour at which a person's daily or weekly summary goes out; NULL keeps the default (8:00). */
export async function up(qi: MigrationContext) {
  await qi.addColumn("notification_settings", "digest_hour", { type: DataTypes.INTEGER, allowNull: true });
}

export async function down(qi: MigrationContext) {
  await dropColumn(qi, "notification_settings", "digest_hour");
}
