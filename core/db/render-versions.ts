/**
 * What tells a cached stream entry (core/views/entry-cache.ts) that it is out of date, kept by the database
 * itself so that no code path, process or bulk statement can forget it:
 * - contents.render_version moves on any change to the content row and to what hangs off it (comments,
 *   reactions, files): triggers on those tables bump their content.
 * - render_epoch.value moves on changes that can alter any entry (a name, a role, a membership, a module
 *   switch, a site setting): triggers on those tables. Modules add theirs with `epochTriggers`.
 */
export type Dialect = "sqlite" | "postgres";
export type Event = "insert" | "update" | "delete";

const allEvents: Event[] = ["insert", "update", "delete"];

/**
 * Which contents a row of a table stands for: the content whose id is in `column`, or (with `type`) the
 * content of that type whose ref_id is in `column` (a vote's poll_id names its poll's content).
 */
export interface VersionTarget {
  column: string;
  type?: string;
}

/** A WHERE over contents for the contents `values` (OLD.x, NEW.x) stand for. */
function targetCondition(target: VersionTarget, values: string[]): string {
  const list = values.map((value) => `${value}.${target.column}`).join(", ");
  if (!target.type) return `id IN (${list})`;
  return `ref_id IN (${list}) AND type = '${target.type.replaceAll("'", "''")}'`;
}

/**
 * Triggers that bump the content of a row of `table` (by default its `content_id`), old and new, on every
 * change. `name` names the triggers (and the PostgreSQL function), so that several may watch one table.
 */
export function contentVersionTriggers(dialect: Dialect, table: string, target: VersionTarget = { column: "content_id" }, name = `render_version_${table}`): string[] {
  if (dialect === "postgres") {
    return [
      `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN
         IF TG_OP <> 'INSERT' THEN UPDATE contents SET render_version = render_version + 1 WHERE ${targetCondition(target, ["OLD"])}; END IF;
         IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.${target.column} IS DISTINCT FROM OLD.${target.column}) THEN
           UPDATE contents SET render_version = render_version + 1 WHERE ${targetCondition(target, ["NEW"])};
         END IF;
         RETURN NULL; END $fn$`,
      `DROP TRIGGER IF EXISTS ${name} ON "${table}"`,
      `CREATE TRIGGER ${name} AFTER INSERT OR UPDATE OR DELETE ON "${table}" FOR EACH ROW EXECUTE FUNCTION ${name}()`,
    ];
  }
  return allEvents.flatMap((event) => {
    const rows = event === "insert" ? ["NEW"] : event === "delete" ? ["OLD"] : ["OLD", "NEW"];
    return [
      `DROP TRIGGER IF EXISTS ${name}_${event}`,
      `CREATE TRIGGER ${name}_${event} AFTER ${event.toUpperCase()} ON "${table}" FOR EACH ROW
         BEGIN UPDATE contents SET render_version = render_version + 1 WHERE ${targetCondition(target, rows)}; END`,
    ];
  });
}

/** Statements that remove what contentVersionTriggers made on `table` under `name`. */
export function dropContentVersionTriggers(dialect: Dialect, table: string, name = `render_version_${table}`): string[] {
  if (dialect === "postgres") return [`DROP TRIGGER IF EXISTS ${name} ON "${table}"`, `DROP FUNCTION IF EXISTS ${name}()`];
  return allEvents.map((event) => `DROP TRIGGER IF EXISTS ${name}_${event}`);
}

/** A content row's own changes move its version (a statement that sets render_version itself is left alone). */
export function contentSelfTriggers(dialect: Dialect): string[] {
  if (dialect === "postgres") {
    return [
      `CREATE OR REPLACE FUNCTION render_version_contents() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN
         IF NEW.render_version = OLD.render_version THEN NEW.render_version := OLD.render_version + 1; END IF;
         RETURN NEW; END $fn$`,
      `DROP TRIGGER IF EXISTS render_version_contents ON contents`,
      `CREATE TRIGGER render_version_contents BEFORE UPDATE ON contents FOR EACH ROW EXECUTE FUNCTION render_version_contents()`,
    ];
  }
  // SQLite cannot change NEW: a second UPDATE, which does not fire this trigger again (the WHEN and
  // recursive_triggers being off both see to it).
  return [
    `DROP TRIGGER IF EXISTS render_version_contents`,
    `CREATE TRIGGER render_version_contents AFTER UPDATE ON contents FOR EACH ROW WHEN NEW.render_version = OLD.render_version
       BEGIN UPDATE contents SET render_version = OLD.render_version + 1 WHERE id = NEW.id; END`,
  ];
}

/**
 * Triggers that move the render epoch on `events` of `table` (an update only when one of `columns` is set,
 * or any update without columns). PostgreSQL bumps once per statement, SQLite once per row. The bump is a
 * row update, not a sequence: readers see the new epoch only once the change is committed.
 */
export function epochTriggers(dialect: Dialect, table: string, columns?: string[], events: Event[] = allEvents): string[] {
  const of = columns?.length ? ` OF ${columns.join(", ")}` : "";
  const name = `render_epoch_${table}`;
  if (dialect === "postgres") {
    return [
      `CREATE OR REPLACE FUNCTION render_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN
         UPDATE render_epoch SET value = value + 1; RETURN NULL; END $fn$`,
      `DROP TRIGGER IF EXISTS ${name} ON "${table}"`,
      // BEFORE: the epoch row is the first lock such a statement takes, so two writers never hold one of
      // their rows each while waiting for the epoch (a deadlock) — they queue on the epoch instead.
      `CREATE TRIGGER ${name} BEFORE ${events.map((event) => `${event.toUpperCase()}${event === "update" ? of : ""}`).join(" OR ")} ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION render_epoch_bump()`,
    ];
  }
  return events.flatMap((event) => [
    `DROP TRIGGER IF EXISTS ${name}_${event}`,
    `CREATE TRIGGER ${name}_${event} AFTER ${event.toUpperCase()}${event === "update" ? of : ""} ON "${table}" FOR EACH ROW
       BEGIN UPDATE render_epoch SET value = value + 1; END`,
  ]);
}

/** Statements that remove what contentVersionTriggers / epochTriggers made on `table`. */
export function dropRenderTriggers(dialect: Dialect, table: string): string[] {
  const names = [`render_version_${table}`, `render_epoch_${table}`];
  // The epoch triggers share render_epoch_bump(); only a version trigger has a function of its own.
  if (dialect === "postgres") return [...names.map((name) => `DROP TRIGGER IF EXISTS ${name} ON "${table}"`), `DROP FUNCTION IF EXISTS render_version_${table}()`];
  return names.flatMap((name) => ["", ...allEvents.map((event) => `_${event}`)].map((suffix) => `DROP TRIGGER IF EXISTS ${name}${suffix}`));
}

/** The render epoch as a scalar subquery, for a statement a request runs anyway (core/auth/session-store.ts). */
export const renderEpochSql = "(SELECT value FROM render_epoch WHERE id = 1)";
