import { DataTypes } from "sequelize";
import { dropColumn, type MigrationContext } from "../db/migrate.ts";

/**
 * When a person finished or dismissed the first-day block of their dashboard (core/people/first-day.ts). On the
 * users row, which every request reads with the session: a settled person's dashboard asks nothing more.
 */
export async function up(qi: MigrationContext) {
  await qi.addColumn("users", "first_day_closed_at", { type: DataTypes.DATE, allowNull: true });
}

export async function down(qi: MigrationContext) {
  await dropColumn(qi, "users", "first_day_closed_at");
}
