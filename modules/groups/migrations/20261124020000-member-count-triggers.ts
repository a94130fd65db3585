import type { QueryInterface } from "sequelize";

/**
 * groups.member_count kept by the database: every insert or delete of a membership row, whoever makes it
 * (join, leave, approval, invitation, directory sync, a cascade when a user or group is deleted), moves
 * the count in the same transaction. Application code never writes it. PostgreSQL uses statement triggers
 * over transition tables (a bulk insert is one UPDATE per statement); SQLite has row triggers only.
 */
const postgres = (event: "insert" | "delete") => {
  const rows = event === "insert" ? "new_rows" : "old_rows";
  const name = `group_member_count_${event}`;
  return [
    `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN
       UPDATE groups g SET member_count = g.member_count ${event === "insert" ? "+" : "-"} d.n
         FROM (SELECT group_id, COUNT(*) AS n FROM ${rows} GROUP BY group_id) d WHERE g.id = d.group_id;
       RETURN NULL; END $fn$`,
    `DROP TRIGGER IF EXISTS ${name} ON group_memberships`,
    `CREATE TRIGGER ${name} AFTER ${event.toUpperCase()} ON group_memberships
       REFERENCING ${event === "insert" ? "NEW" : "OLD"} TABLE AS ${rows} FOR EACH STATEMENT EXECUTE FUNCTION ${name}()`,
  ];
};

const sqlite = (event: "insert" | "delete") => {
  const name = `group_member_count_${event}`;
  const row = event === "insert" ? "NEW" : "OLD";
  return [
    `DROP TRIGGER IF EXISTS ${name}`,
    `CREATE TRIGGER ${name} AFTER ${event.toUpperCase()} ON group_memberships FOR EACH ROW
       BEGIN UPDATE groups SET member_count = member_count ${event === "insert" ? "+" : "-"} 1 WHERE id = ${row}.group_id; END`,
  ];
};

export async function up(qi: QueryInterface) {
  const build = qi.sequelize.getDialect() === "postgres" ? postgres : sqlite;
  for (const statement of [...build("insert"), ...build("delete")]) await qi.sequelize.query(statement);
  // Counts written by the application before: exact from here on.
  await qi.sequelize.query("UPDATE groups SET member_count = (SELECT COUNT(*) FROM group_memberships m WHERE m.group_id = groups.id)");
}

export async function down(qi: QueryInterface) {
  const isPostgres = qi.sequelize.getDialect() === "postgres";
  for (const event of ["insert", "delete"]) {
    const name = `group_member_count_${event}`;
    await qi.sequelize.query(isPostgres ? `DROP TRIGGER IF EXISTS ${name} ON group_memberships` : `DROP TRIGGER IF EXISTS ${name}`);
    if (isPostgres) await qi.sequelize.query(`DROP FUNCTION IF EXISTS ${name}()`);
  }
}
