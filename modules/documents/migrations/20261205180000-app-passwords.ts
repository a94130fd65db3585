import { DataTypes, type QueryInterface } from "sequelize";

// App passwords: what a WebDAV client signs in with, one per device, revocable; only a hash is kept.
export async function up(qi: QueryInterface) {
  await qi.createTable("documents_app_passwords", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" }, onDelete: "CASCADE" },
    name: { type: DataTypes.STRING(100), allowNull: false },
    token_hash: { type: DataTypes.STRING(64), allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
    last_used_at: { type: DataTypes.DATE, allowNull: true },
  });
  await qi.addIndex("documents_app_passwords", ["user_id"]);
  await qi.addIndex("documents_app_passwords", ["token_hash"], { unique: true });
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("documents_app_passwords");
}
