import { DataTypes, type QueryInterface } from "sequelize";

// Bytes each space's documents take, kept by the module as files come and go: reading it costs one row,
// where summing the versions cost a pass over every document of the group on each folder view.
export async function up(qi: QueryInterface) {
  await qi.createTable("documents_usage", {
    container_type: { type: DataTypes.STRING(32), allowNull: false, primaryKey: true },
    container_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
    bytes: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
  });
  // Spaces that already have documents start from what they hold.
  await qi.sequelize.query(
    `INSERT INTO documents_usage (container_type, container_id, bytes)
     SELECT container_type, container_id, SUM(size) FROM (SELECT DISTINCT d.container_type, d.container_id, v.file_id, v.size
       FROM documents_versions v JOIN documents d ON d.id = v.document_id) files GROUP BY container_type, container_id`,
  );
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("documents_usage");
}
