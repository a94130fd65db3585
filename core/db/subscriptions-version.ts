/**
 * users.subscriptions_version: moves whenever what a reader's dashboard is made of changes (who they
 * follow, their memberships, the groups they are in), kept by the database so that every process sees
 * it (core/util/reader-memo.ts). Modules add triggers for their own tables with `subscriptionsVersionTriggers`.
 *
 * Only subscriptions_version is set: the triggers on users that watch names, roles and status (render
 * epoch, search) are UPDATE OF those columns and do not fire. A bump of an account that a cascade is
 * deleting finds no row and does nothing.
 */
import type { Dialect } from "./render-versions.ts";

const bump = "UPDATE users SET subscriptions_version = subscriptions_version + 1";

const changed = (dialect: Dialect, columns: string[]) =>
  columns.map((column) => (dialect === "postgres" ? `OLD.${column} IS DISTINCT FROM NEW.${column}` : `OLD.${column} IS NOT NEW.${column}`)).join(" OR ");

/**
 * Row triggers on `table` that bump the reader named by its `userColumn`: on insert (NEW), delete (OLD)
 * and an update that really changes one of `columns` (OLD and NEW).
 */
export function subscriptionsVersionTriggers(dialect: Dialect, table: string, userColumn: string, columns: string[]): string[] {
  const name = `subscriptions_version_${table}`;
  if (dialect === "postgres") {
    return [
      `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN
         IF TG_OP <> 'INSERT' THEN ${bump} WHERE id = OLD.${userColumn}; END IF;
         IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.${userColumn} IS DISTINCT FROM OLD.${userColumn}) THEN
           ${bump} WHERE id = NEW.${userColumn};
         END IF;
         RETURN NULL; END $fn$`,
      `DROP TRIGGER IF EXISTS ${name} ON "${table}"`,
      `DROP TRIGGER IF EXISTS ${name}_update ON "${table}"`,
      `CREATE TRIGGER ${name} AFTER INSERT OR DELETE ON "${table}" FOR EACH ROW EXECUTE FUNCTION ${name}()`,
      `CREATE TRIGGER ${name}_update AFTER UPDATE OF ${columns.join(", ")} ON "${table}" FOR EACH ROW
         WHEN (${changed(dialect, columns)}) EXECUTE FUNCTION ${name}()`,
    ];
  }
  return [
    `DROP TRIGGER IF EXISTS ${name}_insert`,
    `CREATE TRIGGER ${name}_insert AFTER INSERT ON "${table}" FOR EACH ROW BEGIN ${bump} WHERE id = NEW.${userColumn}; END`,
    `DROP TRIGGER IF EXISTS ${name}_delete`,
    `CREATE TRIGGER ${name}_delete AFTER DELETE ON "${table}" FOR EACH ROW BEGIN ${bump} WHERE id = OLD.${userColumn}; END`,
    `DROP TRIGGER IF EXISTS ${name}_update`,
    `CREATE TRIGGER ${name}_update AFTER UPDATE OF ${columns.join(", ")} ON "${table}" FOR EACH ROW WHEN ${changed(dialect, columns)}
       BEGIN ${bump} WHERE id IN (OLD.${userColumn}, NEW.${userColumn}); END`,
  ];
}

/**
 * Row triggers on a container table (`table`, key `id`) that bump every reader of `readers` (a SELECT of
 * user ids where `:id` stands for the container's id) when one of `columns` really changes: a renamed
 * group is renamed on its members' dashboards.
 */
export function subscriptionsVersionFanOutTriggers(dialect: Dialect, table: string, columns: string[], readers: string): string[] {
  const name = `subscriptions_version_${table}`;
  if (dialect === "postgres") {
    return [
      `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN
         ${bump} WHERE id IN (${readers.replaceAll(":id", "NEW.id")});
         RETURN NULL; END $fn$`,
      `DROP TRIGGER IF EXISTS ${name}_update ON "${table}"`,
      `CREATE TRIGGER ${name}_update AFTER UPDATE OF ${columns.join(", ")} ON "${table}" FOR EACH ROW
         WHEN (${changed(dialect, columns)}) EXECUTE FUNCTION ${name}()`,
    ];
  }
  return [
    `DROP TRIGGER IF EXISTS ${name}_update`,
    `CREATE TRIGGER ${name}_update AFTER UPDATE OF ${columns.join(", ")} ON "${table}" FOR EACH ROW WHEN ${changed(dialect, columns)}
       BEGIN ${bump} WHERE id IN (${readers.replaceAll(":id", "NEW.id")}); END`,
  ];
}

/** Statements that remove what the two functions above made on `table`. */
export function dropSubscriptionsVersionTriggers(dialect: Dialect, table: string): string[] {
  const name = `subscriptions_version_${table}`;
  if (dialect === "postgres") return [`DROP TRIGGER IF EXISTS ${name} ON "${table}"`, `DROP TRIGGER IF EXISTS ${name}_update ON "${table}"`, `DROP FUNCTION IF EXISTS ${name}()`];
  return ["insert", "delete", "update"].map((event) => `DROP TRIGGER IF EXISTS ${name}_${event}`);
}
