import { DataTypes, QueryTypes, type QueryInterface } from "sequelize";
import { dropColumn } from "../../../core/sdk/index.ts";

/**
 * Two things the web pages and WebDAV rely on:
 * - One name per place for folders and files together: documents_names holds the name key of every live
 *   folder and document under its parent (0: the top level), unique, kept by triggers on both tables (so
 *   every code path, and two requests at once, meet the same unique index). A ZIP can no longer hold "a/" and "a".
 * - Folders go to the trash with what they hold: deleted_at/deleted_by on folders, trash_root_id naming the
 *   folder whose deletion took each one (and each document, trashed_with_folder) there, to restore them as a whole.
 */
const watched = [
  { table: "documents", parent: "folder_id", ref: "document_id", short: "document" },
  { table: "documents_folders", parent: "parent_id", ref: "folder_id", short: "folder" },
] as const;

const columns = "container_type, container_id, parent_key, name_key";

function postgres({ table, parent, ref, short }: (typeof watched)[number]) {
  const name = `documents_names_${short}`;
  return [
    `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN
       IF TG_OP = 'UPDATE' THEN DELETE FROM documents_names WHERE ${ref} = OLD.id; END IF;
       IF NEW.deleted_at IS NULL THEN
         INSERT INTO documents_names (${columns}, ${ref}) VALUES (NEW.container_type, NEW.container_id, COALESCE(NEW.${parent}, 0), NEW.name_key, NEW.id);
       END IF;
       RETURN NULL; END $fn$`,
    `DROP TRIGGER IF EXISTS ${name} ON ${table}`,
    `CREATE TRIGGER ${name} AFTER INSERT OR UPDATE OF container_type, container_id, ${parent}, name_key, deleted_at ON ${table}
       FOR EACH ROW EXECUTE FUNCTION ${name}()`,
  ];
}

function sqlite({ table, parent, ref, short }: (typeof watched)[number]) {
  const name = `documents_names_${short}`;
  const values = `NEW.container_type, NEW.container_id, COALESCE(NEW.${parent}, 0), NEW.name_key, NEW.id`;
  return [
    `DROP TRIGGER IF EXISTS ${name}_insert`,
    `CREATE TRIGGER ${name}_insert AFTER INSERT ON ${table} FOR EACH ROW WHEN NEW.deleted_at IS NULL
       BEGIN INSERT INTO documents_names (${columns}, ${ref}) VALUES (${values}); END`,
    `DROP TRIGGER IF EXISTS ${name}_update`,
    `CREATE TRIGGER ${name}_update AFTER UPDATE OF container_type, container_id, ${parent}, name_key, deleted_at ON ${table} FOR EACH ROW
       BEGIN DELETE FROM documents_names WHERE ${ref} = OLD.id;
       INSERT INTO documents_names (${columns}, ${ref}) SELECT ${values} WHERE NEW.deleted_at IS NULL; END`,
  ];
}

/** "Plan.txt" → "Plan (2).txt": a document that already shared its name with a folder gets a free one. */
function suffixed(name: string, n: number) {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

export async function up(qi: QueryInterface) {
  const query = (sql: string, replacements: Record<string, unknown> = {}) => qi.sequelize.query(sql, { replacements });
  await qi.addColumn("documents_folders", "deleted_at", { type: DataTypes.DATE, allowNull: true });
  await qi.addColumn("documents_folders", "deleted_by", { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" });
  await qi.addColumn("documents_folders", "trash_root_id", { type: DataTypes.INTEGER, allowNull: true });
  await qi.addColumn("documents", "trashed_with_folder", { type: DataTypes.INTEGER, allowNull: true });
  await qi.addIndex("documents_folders", ["deleted_at"]);
  await qi.addIndex("documents_folders", ["trash_root_id"]);
  await qi.addIndex("documents", ["trashed_with_folder"]);
  // A trashed folder keeps its name for its restore, but no longer holds it: the unique name is among live folders.
  await query("DROP INDEX documents_folders_unique_name");
  await query("CREATE UNIQUE INDEX documents_folders_unique_name ON documents_folders (container_type, container_id, COALESCE(parent_id, 0), name_key) WHERE deleted_at IS NULL");

  await qi.createTable("documents_names", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    container_type: { type: DataTypes.STRING(32), allowNull: false },
    container_id: { type: DataTypes.INTEGER, allowNull: false },
    parent_key: { type: DataTypes.INTEGER, allowNull: false },
    name_key: { type: DataTypes.STRING(255), allowNull: false },
    folder_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "documents_folders", key: "id" }, onDelete: "CASCADE" },
    document_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "documents", key: "id" }, onDelete: "CASCADE" },
  });
  await qi.addIndex("documents_names", ["container_type", "container_id", "parent_key", "name_key"], { unique: true, name: "documents_names_unique" });
  await qi.addIndex("documents_names", ["folder_id"]);
  await qi.addIndex("documents_names", ["document_id"]);

  // Folders first; a live document whose name a folder beside it holds already is renamed "name (2)".
  await query(`INSERT INTO documents_names (${columns}, folder_id) SELECT container_type, container_id, COALESCE(parent_id, 0), name_key, id FROM documents_folders`);
  const clashes = await qi.sequelize.query<{ id: number; name: string; container_type: string; container_id: number; parent_key: number }>(
    `SELECT d.id, d.name, d.container_type, d.container_id, COALESCE(d.folder_id, 0) AS parent_key FROM documents d
     WHERE d.deleted_at IS NULL AND EXISTS (SELECT 1 FROM documents_names n WHERE n.container_type = d.container_type AND n.container_id = d.container_id
       AND n.parent_key = COALESCE(d.folder_id, 0) AND n.name_key = d.name_key)`,
    { type: QueryTypes.SELECT },
  );
  const taken = async (row: (typeof clashes)[number], key: string) =>
    (await qi.sequelize.query(
      `SELECT 1 FROM documents_names WHERE container_type = :type AND container_id = :id AND parent_key = :parent AND name_key = :key
       UNION ALL SELECT 1 FROM documents WHERE deleted_at IS NULL AND container_type = :type AND container_id = :id AND COALESCE(folder_id, 0) = :parent AND name_key = :key`,
      { replacements: { type: row.container_type, id: row.container_id, parent: row.parent_key, key }, type: QueryTypes.SELECT },
    )).length > 0;
  for (const row of clashes) {
    let n = 2;
    while (await taken(row, suffixed(row.name, n).normalize("NFC").toLocaleLowerCase("und").normalize("NFC"))) n += 1;
    const name = suffixed(row.name, n);
    await query("UPDATE documents SET name = :name, name_key = :key WHERE id = :id", { name, key: name.normalize("NFC").toLocaleLowerCase("und").normalize("NFC"), id: row.id });
    await query("UPDATE documents_versions SET doc_name = :name WHERE document_id = :id", { name, id: row.id });
  }
  await query(`INSERT INTO documents_names (${columns}, document_id) SELECT container_type, container_id, COALESCE(folder_id, 0), name_key, id FROM documents WHERE deleted_at IS NULL`);

  const build = qi.sequelize.getDialect() === "postgres" ? postgres : sqlite;
  for (const source of watched) for (const statement of build(source)) await query(statement);
}

export async function down(qi: QueryInterface) {
  const isPostgres = qi.sequelize.getDialect() === "postgres";
  for (const { table, short } of watched) {
    const name = `documents_names_${short}`;
    if (isPostgres) {
      await qi.sequelize.query(`DROP TRIGGER IF EXISTS ${name} ON ${table}`);
      await qi.sequelize.query(`DROP FUNCTION IF EXISTS ${name}()`);
    } else {
      await qi.sequelize.query(`DROP TRIGGER IF EXISTS ${name}_insert`);
      await qi.sequelize.query(`DROP TRIGGER IF EXISTS ${name}_update`);
    }
  }
  await qi.dropTable("documents_names");
  await qi.sequelize.query("DELETE FROM documents_folders WHERE deleted_at IS NOT NULL");
  await qi.sequelize.query("DROP INDEX documents_folders_unique_name");
  await qi.sequelize.query("CREATE UNIQUE INDEX documents_folders_unique_name ON documents_folders (container_type, container_id, COALESCE(parent_id, 0), name_key)");
  await dropColumn(qi, "documents", "trashed_with_folder");
  await dropColumn(qi, "documents_folders", "trash_root_id");
  await dropColumn(qi, "documents_folders", "deleted_by");
  await dropColumn(qi, "documents_folders", "deleted_at");
}
