import { DataTypes } from "sequelize";
import type { MigrationContext } from "../db/migrate.ts";

const ref = (model: string, allowNull = false) => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model, key: "id" },
  onDelete: "CASCADE",
});

/** Announcements (a content shown at the top of the dashboard or its container's page) and who dismissed or acknowledged them. */
export async function up(qi: MigrationContext) {
  await qi.createTable("announcements", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    content_id: { ...ref("contents"), unique: true },
    requires_ack: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    expires_at: { type: DataTypes.DATE, allowNull: true },
    created_by: ref("users"),
    // Set when a manager stops announcing: the row (and its read receipts) stay for the record.
    ended_at: { type: DataTypes.DATE, allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  // Pages ask for the few running announcements: the partial index holds only those not ended.
  await qi.addIndex("announcements", ["expires_at"], { name: "announcements_running", where: { ended_at: null } });

  await qi.createTable("announcement_receipts", {
    announcement_id: { ...ref("announcements"), primaryKey: true },
    user_id: { ...ref("users"), primaryKey: true },
    dismissed_at: { type: DataTypes.DATE, allowNull: true },
    acknowledged_at: { type: DataTypes.DATE, allowNull: true },
  });
  await qi.addIndex("announcement_receipts", ["user_id"], { name: "announcement_receipts_user" });
}

export async function down(qi: MigrationContext) {
  await qi.dropTable("announcement_receipts");
  await qi.dropTable("announcements");
}
