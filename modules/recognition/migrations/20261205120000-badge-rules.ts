import { DataTypes, type QueryInterface } from "sequelize";

export async function up(qi: QueryInterface) {
  // "Give badge B to whoever has at least N of metric M": applied to past activity when made, then hourly.
  await qi.createTable("recognition_badge_rules", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    badge_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "recognition_badges", key: "id" } },
    metric: { type: DataTypes.STRING(32), allowNull: false },
    threshold: { type: DataTypes.INTEGER, allowNull: false },
    revokes: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.createTable("recognition_badge_grants", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    rule_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "recognition_badge_rules", key: "id" }, onDelete: "CASCADE" },
    badge_id: { type: DataTypes.INTEGER, allowNull: false },
    user_id: { type: DataTypes.INTEGER, allowNull: false },
    granted_at: { type: DataTypes.DATE, allowNull: false },
    revoked_at: { type: DataTypes.DATE, allowNull: true },
  });
  await qi.addIndex("recognition_badge_grants", ["rule_id", "user_id"], { unique: true });
  await qi.addIndex("recognition_badge_grants", ["user_id", "revoked_at"]);
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("recognition_badge_grants");
  await qi.dropTable("recognition_badge_rules");
}
