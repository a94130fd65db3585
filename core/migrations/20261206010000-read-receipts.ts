import { DataTypes } from "sequelize";
import type { MigrationContext } from "../db/migrate.ts";

/**
 * Read receipts of what a module asks chosen people to read (a document's "required reading"): who was asked,
 * by whom and when, and when they confirmed. Written and read by core/content/receipts.ts, the code that also
 * records announcements' receipts (announcement_receipts keeps those, keyed by announcement).
 */
export async function up(qi: MigrationContext) {
  await qi.createTable("read_receipts", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    // The module that asks, and its own key for what is to be read ("document:12").
    module_id: { type: DataTypes.STRING(64), allowNull: false },
    subject: { type: DataTypes.STRING(100), allowNull: false },
    user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" }, onDelete: "CASCADE" },
    requested_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" },
    requested_at: { type: DataTypes.DATE, allowNull: false },
    acknowledged_at: { type: DataTypes.DATE, allowNull: true },
  });
  // Asked once per person: asking again keeps the first request.
  await qi.addIndex("read_receipts", ["module_id", "subject", "user_id"], { unique: true, name: "read_receipts_unique" });
  await qi.addIndex("read_receipts", ["user_id"], { name: "read_receipts_user" });
  await qi.addIndex("read_receipts", ["requested_by"], { name: "read_receipts_requested_by" });
}

export async function down(qi: MigrationContext) {
  await qi.dropTable("read_receipts");
}
