import type { Dialect } from "../db/sequelize.ts";
import { documentColumns, type SearchSource, type Watch } from "./sources.ts";

/** A database object made for a source, kept so that a changed definition can drop it. */
export interface TriggerObject {
  table: string;
  name: string;
  /** PostgreSQL: the trigger's function, dropped with it. */
  isFunction?: boolean;
}

export interface TriggerPlan {
  objects: TriggerObject[];
  statements: string[];
}

type Event = "insert" | "update" | "delete";

const documentList = documentColumns.join(", ");
const assignments = documentColumns.filter((column) => column !== "ref_id").map((column) => `${column} = excluded.${column}`).join(", ");

/**
 * The documents of a kind whose key matches (`IN (<keys>)`, `= <value>`) are deleted, then rebuilt from the
 * source's SELECT: what no longer exists (or is deleted, hidden, inactive) simply does not come back.
 * Without a key, the whole kind is rebuilt.
 */
export function refreshStatements(source: SearchSource, key: Watch["key"], match: string | null): string[] {
  const filter = key && match ? ` AND ${key} ${match}` : "";
  const sourceFilter = key && match ? `s.${key} ${match}` : "1 = 1";
  return [
    `DELETE FROM search_documents WHERE kind = '${source.kind}'${filter}`,
    `INSERT INTO search_documents (kind, ${documentList}) SELECT '${source.kind}', ${documentColumns.map((column) => `s.${column}`).join(", ")}
      FROM (${source.select}) s WHERE ${sourceFilter} ORDER BY s.sort_at, s.ref_id
      ON CONFLICT (kind, ref_id) DO UPDATE SET ${assignments}`,
  ];
}

const rowSql = (sql: string, row: string) => sql.replaceAll("{row}", row);
const changed = (columns: string[], dialect: Dialect) =>
  columns.map((column) => (dialect === "postgres" ? `OLD.${column} IS DISTINCT FROM NEW.${column}` : `OLD.${column} IS NOT NEW.${column}`)).join(" OR ");

function updateCondition(watch: Watch, dialect: Dialect): string | null {
  const parts: string[] = [];
  if (Array.isArray(watch.update)) parts.push(`(${changed(watch.update, dialect)})`);
  else if (dialect === "postgres") parts.push("(OLD.* IS DISTINCT FROM NEW.*)");
  if (watch.when) parts.push(`(${rowSql(watch.when, "OLD")} OR ${rowSql(watch.when, "NEW")})`);
  return parts.length ? parts.join(" AND ") : null;
}

function events(watch: Watch): Event[] {
  return (["insert", "update", "delete"] as const).filter((event) => (event === "update" ? watch.update !== false : watch[event]));
}

const quoted = (name: string) => `"${name}"`;

function sqliteTrigger(source: SearchSource, watch: Watch, index: number, event: Event): TriggerPlan {
  const name = `search_${source.kind.replaceAll("-", "_")}_${index}_${event}`;
  const row = event === "delete" ? "OLD" : "NEW";
  const keys = event === "update" ? `${rowSql(watch.keys, "OLD")} UNION ${rowSql(watch.keys, "NEW")}` : rowSql(watch.keys, row);
  const condition = event === "update" ? updateCondition(watch, "sqlite") : watch.when ? rowSql(watch.when, row) : null;
  const columns = event === "update" && Array.isArray(watch.update) ? ` OF ${watch.update.join(", ")}` : "";
  const body = refreshStatements(source, watch.key, watch.key ? `IN (${keys})` : null).map((statement) => `${statement};`).join("\n");
  return {
    objects: [{ table: watch.table, name }],
    statements: [
      `DROP TRIGGER IF EXISTS ${name}`,
      `CREATE TRIGGER ${name} AFTER ${event.toUpperCase()}${columns} ON ${quoted(watch.table)} FOR EACH ROW${condition ? ` WHEN ${condition}` : ""}
       BEGIN ${body} END`,
    ],
  };
}

/**
 * PostgreSQL: inserts and deletes are statement triggers over transition tables (a bulk load refreshes a
 * batch per statement); updates are row triggers that fire only when an indexed column really changed.
 * Keys are refreshed one at a time in a loop: each statement is then an equality on an indexed column,
 * a plan that stays right whatever the statistics (the planner knows nothing about transition tables).
 */
function postgresTrigger(source: SearchSource, watch: Watch, index: number, event: Event): TriggerPlan {
  const name = `search_refresh_${source.kind.replaceAll("-", "_")}_${index}_${event}`;
  const rows = event === "insert" ? "new_rows" : "old_rows";
  const where = watch.when ? ` WHERE ${rowSql(watch.when, "r")}` : "";
  let body: string;
  if (!watch.key) {
    const guard = event === "update" ? "" : `IF NOT EXISTS (SELECT 1 FROM ${rows} r${where}) THEN RETURN NULL; END IF;`;
    body = `${guard}\n${refreshStatements(source, null, null).map((statement) => `${statement};`).join("\n")}`;
  } else {
    const keys =
      event === "update"
        ? `${rowSql(watch.keys, "OLD")} UNION ${rowSql(watch.keys, "NEW")}`
        : `SELECT k.key FROM ${rows} r CROSS JOIN LATERAL (${rowSql(watch.keys, "r")}) k(key)${where}`;
    const refresh = refreshStatements(source, watch.key, "= key_value").map((statement) => `${statement};`);
    body = `FOR key_value IN SELECT DISTINCT keys.key FROM (${keys}) keys(key) WHERE keys.key IS NOT NULL LOOP\n${refresh.join("\n")}\nEND LOOP;`;
  }
  const condition = event === "update" ? updateCondition(watch, "postgres") : null;
  const timing =
    event === "update"
      ? `AFTER UPDATE${Array.isArray(watch.update) ? ` OF ${watch.update.join(", ")}` : ""} ON ${quoted(watch.table)} FOR EACH ROW${condition ? ` WHEN (${condition})` : ""}`
      : `AFTER ${event.toUpperCase()} ON ${quoted(watch.table)} REFERENCING ${event === "insert" ? "NEW TABLE AS new_rows" : "OLD TABLE AS old_rows"} FOR EACH STATEMENT`;
  return {
    objects: [{ table: watch.table, name }, { table: watch.table, name, isFunction: true }],
    statements: [
      `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$ DECLARE key_value integer; BEGIN\n${body}\nRETURN NULL; END $fn$`,
      `DROP TRIGGER IF EXISTS ${name} ON ${quoted(watch.table)}`,
      `CREATE TRIGGER ${name} ${timing} EXECUTE FUNCTION ${name}()`,
    ],
  };
}

/** The triggers that keep a source's documents in step with its tables, for one database. */
export function triggerPlan(source: SearchSource, dialect: Dialect): TriggerPlan {
  const plans = source.watches.flatMap((watch, index) =>
    events(watch).map((event) => (dialect === "postgres" ? postgresTrigger(source, watch, index, event) : sqliteTrigger(source, watch, index, event))),
  );
  return { objects: plans.flatMap((plan) => plan.objects), statements: plans.flatMap((plan) => plan.statements) };
}

export function dropStatements(objects: TriggerObject[], dialect: Dialect): string[] {
  return objects.map((object) => {
    if (dialect === "sqlite") return `DROP TRIGGER IF EXISTS ${object.name}`;
    return object.isFunction ? `DROP FUNCTION IF EXISTS ${object.name}() CASCADE` : `DROP TRIGGER IF EXISTS ${object.name} ON ${quoted(object.table)}`;
  });
}
