import { createHash } from "node:crypto";
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import type { Logger } from "pino";
import { dialectOf, type Dialect } from "../db/sequelize.ts";
import { attemptInSavepoint as attempt, runStatements as run } from "../db/savepoint.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import { documentColumns, searchSources, type SearchSource } from "./sources.ts";
import { dropStatements, refreshStatements, triggerPlan, type TriggerObject } from "./triggers.ts";

/** Bumped when the trigger generator itself changes, so every kind is reinstalled. */
const generatorVersion = 1;
/** Serialises installs and re-indexes of several processes on PostgreSQL. */
const installLock = 7_406_601;

interface InstalledRow {
  kind: string;
  definition_hash: string;
  triggers: string;
}

function hashOf(source: SearchSource, dialect: Dialect) {
  return createHash("sha256").update(JSON.stringify({ generatorVersion, dialect, select: source.select, watches: source.watches })).digest("hex");
}

async function installedSources(sequelize: Sequelize, transaction?: Transaction) {
  const rows = await sequelize.query<InstalledRow>("SELECT kind, definition_hash, triggers FROM search_sources WHERE kind <> '*bulk'", { type: QueryTypes.SELECT, transaction });
  return new Map(rows.map((row) => [row.kind, row]));
}

/** Replaces a kind's triggers; its SELECT is tried first, so SQL that does not run never guards a user's write. */
async function installTriggers(sequelize: Sequelize, source: SearchSource, previous: InstalledRow | undefined, transaction: Transaction) {
  const dialect = dialectOf(sequelize);
  await sequelize.query(`SELECT * FROM (${source.select}) s WHERE 1 = 0`, { transaction });
  if (previous) await run(sequelize, dropStatements(JSON.parse(previous.triggers) as TriggerObject[], dialect), transaction);
  const plan = triggerPlan(source, dialect);
  await run(sequelize, plan.statements, transaction);
  await sequelize.query("DELETE FROM search_sources WHERE kind = :kind", { replacements: { kind: source.kind }, transaction });
  await sequelize.query("INSERT INTO search_sources (kind, definition_hash, triggers, updated_at) VALUES (:kind, :hash, :triggers, :now)", {
    replacements: { kind: source.kind, hash: hashOf(source, dialect), triggers: JSON.stringify(plan.objects), now: new Date() },
    transaction,
  });
}

/**
 * Rebuilds every document of these sources at once. Documents are written oldest first across kinds,
 * so document ids follow time (the "newest" order and the relevance window rely on it). SQLite: the
 * per-row FTS triggers stand aside ("*bulk" marker) and the FTS tables are rebuilt once; PostgreSQL:
 * the GIN index is built once after the inserts.
 */
async function rebuild(sequelize: Sequelize, sources: SearchSource[], transaction: Transaction) {
  const query = (sql: string) => sequelize.query(sql, { transaction });
  const postgres = dialectOf(sequelize) === "postgres";
  if (postgres) {
    await query("TRUNCATE search_documents RESTART IDENTITY");
    await query("DROP INDEX IF EXISTS search_documents_tsv");
    await query("DROP INDEX IF EXISTS search_documents_titles");
  } else {
    await query("INSERT INTO search_sources (kind, definition_hash, triggers, updated_at) VALUES ('*bulk', '', '[]', CURRENT_TIMESTAMP)");
    await query("DELETE FROM search_documents");
    await query("DELETE FROM sqlite_sequence WHERE name = 'search_documents'");
  }
  if (sources.length > 0) {
    const union = sources.map((source) => `SELECT '${source.kind}' AS kind, ${documentColumns.map((column) => `s.${column}`).join(", ")} FROM (${source.select}) s`).join("\nUNION ALL\n");
    await query(`INSERT INTO search_documents (kind, ${documentColumns.join(", ")}) SELECT * FROM (${union}) d ORDER BY d.sort_at, d.kind, d.ref_id`);
  }
  if (postgres) {
    await query("CREATE INDEX search_documents_tsv ON search_documents USING gin (tsv)");
    await query("CREATE INDEX search_documents_titles ON search_documents USING gin (title_tsv) WHERE title_tsv IS NOT NULL");
    // The engine plans from the statistics (core/search/postgres-engine.ts): fresh ones, not those of an empty table.
    await query("ANALYZE search_documents");
  } else {
    await query("INSERT INTO search_fts(search_fts) VALUES ('rebuild')");
    await query("INSERT INTO search_titles(search_titles) VALUES ('delete-all')");
    await query("INSERT INTO search_titles(rowid, title, kind) SELECT id, title, kind FROM search_documents WHERE title IS NOT NULL");
    await query("INSERT INTO search_names(search_names) VALUES ('delete-all')");
    await query("INSERT INTO search_names(rowid, name) SELECT id, name FROM search_documents WHERE name IS NOT NULL");
    await query("DELETE FROM search_sources WHERE kind = '*bulk'");
  }
}

/**
 * Runs at start, after migrations: installs the triggers of every searchable source that is new or whose
 * definition changed, and indexes those kinds (all at once on a first install). Usually one SELECT finds
 * nothing to do. A declaration that fails is logged and left unindexed; the site keeps working.
 * Returns true when it rebuilt the whole index.
 */
export async function installSearch(sequelize: Sequelize, registry: ModuleRegistry, logger?: Logger): Promise<boolean> {
  const dialect = dialectOf(sequelize);
  const sources = searchSources(registry, dialect, (kind, error) => logger?.error({ kind, err: error }, "search: declaration refused"));
  const staleIn = (installed: Map<string, InstalledRow>) => sources.filter((source) => installed.get(source.kind)?.definition_hash !== hashOf(source, dialect));
  if (staleIn(await installedSources(sequelize)).length === 0) return false;
  return sequelize.transaction(async (transaction) => {
    if (dialect === "postgres") await sequelize.query(`SELECT pg_advisory_xact_lock(${installLock})`, { transaction });
    const installed = await installedSources(sequelize, transaction);
    const isFirstInstall = installed.size === 0;
    const done: SearchSource[] = [];
    for (const source of staleIn(installed)) {
      const failed = (error: Error) => logger?.error({ kind: source.kind, err: error }, "search: this kind cannot be indexed; its triggers were not installed");
      if (await attempt(sequelize, transaction, (savepoint) => installTriggers(sequelize, source, installed.get(source.kind), savepoint), failed)) done.push(source);
    }
    if (isFirstInstall) {
      await rebuild(sequelize, done, transaction);
    } else {
      for (const source of done) await run(sequelize, refreshStatements(source, null, null), transaction);
    }
    if (done.length) logger?.info({ kinds: done.map((source) => source.kind) }, "search: triggers installed and documents indexed");
    return isFirstInstall;
  });
}

/** `agora search:reindex`: rebuilds every document from the data in one transaction (writers wait; readers keep the old index until it commits). */
export async function reindexAll(sequelize: Sequelize, registry: ModuleRegistry, logger?: Logger): Promise<Map<string, number>> {
  const dialect = dialectOf(sequelize);
  await installSearch(sequelize, registry, logger);
  return sequelize.transaction(async (transaction) => {
    if (dialect === "postgres") await sequelize.query(`SELECT pg_advisory_xact_lock(${installLock})`, { transaction });
    const installed = await installedSources(sequelize, transaction);
    await rebuild(sequelize, searchSources(registry, dialect).filter((source) => installed.has(source.kind)), transaction);
    const counts = await sequelize.query<{ kind: string; count: number }>("SELECT kind, COUNT(*) AS count FROM search_documents GROUP BY kind ORDER BY kind", {
      type: QueryTypes.SELECT,
      transaction,
    });
    return new Map(counts.map((row) => [row.kind, Number(row.count)]));
  });
}
