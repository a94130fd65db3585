import { DataTypes, type QueryInterface } from "sequelize";

// Required reading now keeps its receipts with core's read receipts (read_receipts, the code announcements'
// receipts use, through host.readReceipts): the documents' own table's rows move there, then it goes.
export async function up(qi: QueryInterface) {
  const concat = qi.sequelize.getDialect() === "postgres" ? "'document:' || CAST(document_id AS TEXT)" : "'document:' || document_id";
  await qi.sequelize.query(
    `INSERT INTO read_receipts (module_id, subject, user_id, requested_by, requested_at, acknowledged_at)
     SELECT 'documents', ${concat}, user_id, requested_by, requested_at, confirmed_at FROM documents_read_requests WHERE 1 = 1
     ON CONFLICT (module_id, subject, user_id) DO NOTHING`,
  );
  await qi.dropTable("documents_read_requests");
}

export async function down(qi: QueryInterface) {
  await qi.createTable("documents_read_requests", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    document_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "documents", key: "id" }, onDelete: "CASCADE" },
    user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" }, onDelete: "CASCADE" },
    requested_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" },
    requested_at: { type: DataTypes.DATE, allowNull: false },
    confirmed_at: { type: DataTypes.DATE, allowNull: true },
  });
  await qi.addIndex("documents_read_requests", ["document_id", "user_id"], { unique: true });
  const id = "CAST(substr(r.subject, 10) AS INTEGER)";
  await qi.sequelize.query(
    `INSERT INTO documents_read_requests (document_id, user_id, requested_by, requested_at, confirmed_at)
     SELECT ${id}, r.user_id, r.requested_by, r.requested_at, r.acknowledged_at FROM read_receipts r
     WHERE r.module_id = 'documents' AND r.subject LIKE 'document:%' AND EXISTS (SELECT 1 FROM documents d WHERE d.id = ${id})`,
  );
  await qi.sequelize.query("DELETE FROM read_receipts WHERE module_id = 'documents'");
}
