import { DataTypes, QueryTypes } from "sequelize";
import { dropColumn, type MigrationContext } from "../db/migrate.ts";
import { contentSelfTriggers, contentVersionTriggers, dropRenderTriggers, epochTriggers, type Dialect, type Event } from "../db/render-versions.ts";

/** Tables whose rows hang off a content (content_id) and show in its stream entry (follows show on the permalink only). */
const contentChildren = ["comments", "reactions", "attachments"];

/**
 * Core tables (and the columns of them) that can change any entry: names, roles, module switches, site
 * settings. A new account is in no entry yet, and a deleted one takes its contents, comments and
 * reactions with it (their own triggers): only updates of people count.
 */
const epochSources: [string, string[]?, Event[]?][] = [
  ["users", ["username", "display_name", "role", "status"], ["update"]],
  ["module_states"],
  ["settings"],
];

/** Versions for the cached HTML of stream entries: see core/db/render-versions.ts. */
export async function up(qi: MigrationContext) {
  const dialect = qi.sequelize.getDialect() as Dialect;
  await qi.addColumn("contents", "render_version", { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
  await qi.createTable("render_epoch", {
    id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    value: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
  });
  await qi.bulkInsert("render_epoch", [{ id: 1, value: 0 }]);
  const statements = [
    ...contentSelfTriggers(dialect),
    ...contentChildren.flatMap((table) => contentVersionTriggers(dialect, table)),
    ...epochSources.flatMap(([table, columns, events]) => epochTriggers(dialect, table, columns, events)),
  ];
  for (const statement of statements) await qi.sequelize.query(statement);
}

export async function down(qi: MigrationContext) {
  const dialect = qi.sequelize.getDialect() as Dialect;
  await dropLaterVersionTriggers(qi, dialect);
  for (const table of ["contents", ...contentChildren, ...epochSources.map(([table]) => table)]) {
    for (const statement of dropRenderTriggers(dialect, table)) await qi.sequelize.query(statement);
  }
  if (dialect === "postgres") await qi.sequelize.query("DROP FUNCTION IF EXISTS render_epoch_bump()");
  await qi.dropTable("render_epoch");
  await dropColumn(qi, "contents", "render_version");
}

/**
 * Version triggers made after this migration (a later core table's, or the ones core installs for a type's
 * versionedBy) also name contents.render_version, and SQLite refuses to drop a column a trigger names: they go
 * first. Their record is cleared, so the next start installs the versionedBy ones again.
 */
async function dropLaterVersionTriggers(qi: MigrationContext, dialect: Dialect) {
  const select = <T extends object>(sql: string) => qi.sequelize.query<T>(sql, { type: QueryTypes.SELECT });
  if (dialect === "postgres") {
    const triggers = await select<{ name: string; tablename: string }>("SELECT t.tgname AS name, c.relname AS tablename FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgname LIKE 'render\\_version\\_%'");
    for (const trigger of triggers) {
      await qi.sequelize.query(`DROP TRIGGER IF EXISTS "${trigger.name}" ON "${trigger.tablename}"`);
      await qi.sequelize.query(`DROP FUNCTION IF EXISTS "${trigger.name}"()`);
    }
  } else {
    const triggers = await select<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'render\\_version\\_%' ESCAPE '\\'");
    for (const trigger of triggers) await qi.sequelize.query(`DROP TRIGGER IF EXISTS "${trigger.name}"`);
  }
  const tables = await qi.showAllTables();
  if (tables.includes("render_version_sources")) await qi.sequelize.query("DELETE FROM render_version_sources");
}
