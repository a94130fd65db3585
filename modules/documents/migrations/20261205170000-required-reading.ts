import { DataTypes, type QueryInterface } from "sequelize";

// "Required reading": a document's chosen readers are asked to confirm they read it; the asker sees who did.
export async function up(qi: QueryInterface) {
  await qi.createTable("documents_read_requests", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    document_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "documents", key: "id" }, onDelete: "CASCADE" },
    user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" }, onDelete: "CASCADE" },
    requested_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" },
    requested_at: { type: DataTypes.DATE, allowNull: false },
    confirmed_at: { type: DataTypes.DATE, allowNull: true },
  });
  // One request per reader and document: asking twice changes nothing.
  await qi.addIndex("documents_read_requests", ["document_id", "user_id"], { unique: true });
  await qi.addIndex("documents_read_requests", ["user_id"]);
  await qi.addIndex("documents_read_requests", ["requested_by"]);
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("documents_read_requests");
}
