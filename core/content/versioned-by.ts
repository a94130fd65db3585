import { createHash } from "node:crypto";
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import type { Logger } from "pino";
import { dialectOf } from "../db/sequelize.ts";
import { attemptInSavepoint as attempt, runStatements as run } from "../db/savepoint.ts";
import { contentVersionTriggers, dropContentVersionTriggers, type Dialect, type VersionTarget } from "../db/render-versions.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { VersionSource } from "../modules/types.ts";

/** Bumped when the trigger SQL changes, so every type's triggers are made again. */
const generatorVersion = 1;
/** Serialises the installs of several processes starting at once on PostgreSQL. */
const installLock = 7_406_602;
const identifier = /^[a-z_][a-z0-9_]*$/;
/** PostgreSQL's longest identifier. */
const maxNameLength = 63;

/** One trigger set as installed: on `table`, named `name`. */
interface InstalledTrigger {
  table: string;
  name: string;
}

interface PlannedTrigger extends InstalledTrigger {
  target: VersionTarget;
}

interface InstalledRow {
  content_type: string;
  definition_hash: string;
  triggers: string;
}

/** A type's declaration as triggers to make; a name that is no plain SQL identifier is refused. */
export function versionTriggerPlan(type: string, sources: VersionSource[]): PlannedTrigger[] {
  return sources.map((source) => {
    const table = typeof source === "string" ? source : source.table;
    const target: VersionTarget = typeof source === "string" ? { column: "content_id" } : "contentRef" in source ? { column: source.contentRef, type } : { column: source.contentId };
    const name = `render_version_${table}__${type.replace(/[^a-z0-9]+/g, "_")}`;
    for (const part of [table, target.column]) if (!identifier.test(part)) throw new Error(`versionedBy of "${type}": "${part}" is not a table or column name (lowercase letters, digits, _)`);
    if (name.length > maxNameLength) throw new Error(`versionedBy of "${type}": trigger name ${name} is longer than ${maxNameLength} characters`);
    return { table, name, target };
  });
}

function hashOf(dialect: Dialect, plan: PlannedTrigger[]) {
  return createHash("sha256").update(JSON.stringify({ generatorVersion, dialect, plan })).digest("hex");
}

async function installedRows(sequelize: Sequelize, transaction?: Transaction) {
  const rows = await sequelize.query<InstalledRow>("SELECT content_type, definition_hash, triggers FROM render_version_sources", { type: QueryTypes.SELECT, transaction });
  return new Map(rows.map((row) => [row.content_type, row]));
}

/** Drops what was installed for a type; a table gone since (its module dropped it) has no triggers left to drop. */
async function dropInstalled(sequelize: Sequelize, row: InstalledRow, transaction: Transaction, logger?: Logger) {
  const dialect = dialectOf(sequelize);
  for (const trigger of JSON.parse(row.triggers) as InstalledTrigger[]) {
    const failed = (error: Error) => logger?.warn({ contentType: row.content_type, table: trigger.table, err: error }, "render versions: old trigger not dropped");
    await attempt(sequelize, transaction, (savepoint) => run(sequelize, dropContentVersionTriggers(dialect, trigger.table, trigger.name), savepoint), failed);
  }
  await sequelize.query("DELETE FROM render_version_sources WHERE content_type = :type", { replacements: { type: row.content_type }, transaction });
}

async function install(sequelize: Sequelize, type: string, plan: PlannedTrigger[], previous: InstalledRow | undefined, transaction: Transaction, logger?: Logger) {
  const dialect = dialectOf(sequelize);
  if (previous) await dropInstalled(sequelize, previous, transaction, logger);
  for (const trigger of plan) await run(sequelize, contentVersionTriggers(dialect, trigger.table, trigger.target, trigger.name), transaction);
  await sequelize.query("INSERT INTO render_version_sources (content_type, definition_hash, triggers, updated_at) VALUES (:type, :hash, :triggers, :now)", {
    replacements: { type, hash: hashOf(dialect, plan), triggers: JSON.stringify(plan.map(({ table, name }) => ({ table, name }))), now: new Date() },
    transaction,
  });
}

/**
 * Runs at start and on `agora migrate`, after the migrations (the tables exist) and the modules' registration
 * (their types are known): makes the render-version triggers each content type declares in `versionedBy`,
 * drops those of a type that no longer declares any, and remakes those whose declaration changed. With
 * nothing changed it costs one SELECT. A declaration that fails (a table missing) is logged and left out;
 * the site keeps working, those entries just are not cached fresh. A type not registered now (its module
 * failed to load) keeps its triggers until it is back.
 */
export async function installVersionTriggers(sequelize: Sequelize, registry: ModuleRegistry, logger?: Logger): Promise<string[]> {
  const dialect = dialectOf(sequelize);
  const plans = new Map<string, PlannedTrigger[]>();
  for (const [type, definition] of registry.contentTypes) {
    if (!definition.versionedBy?.length) continue;
    try {
      plans.set(type, versionTriggerPlan(type, definition.versionedBy));
    } catch (error) {
      logger?.error({ contentType: type, err: error }, "render versions: declaration refused");
    }
  }
  const isStale = (installed: Map<string, InstalledRow>) =>
    [...plans].some(([type, plan]) => installed.get(type)?.definition_hash !== hashOf(dialect, plan)) ||
    [...installed.keys()].some((type) => registry.contentTypes.has(type) && !plans.has(type));
  if (!isStale(await installedRows(sequelize))) return [];
  return sequelize.transaction(async (transaction) => {
    if (dialect === "postgres") await sequelize.query(`SELECT pg_advisory_xact_lock(${installLock})`, { transaction });
    const installed = await installedRows(sequelize, transaction);
    const done: string[] = [];
    for (const [type, row] of installed) if (registry.contentTypes.has(type) && !plans.has(type)) await dropInstalled(sequelize, row, transaction, logger);
    for (const [type, plan] of plans) {
      if (installed.get(type)?.definition_hash === hashOf(dialect, plan)) continue;
      const failed = (error: Error) => logger?.error({ contentType: type, err: error }, "render versions: triggers not installed; this type's cached entries may show stale data");
      if (await attempt(sequelize, transaction, (savepoint) => install(sequelize, type, plan, installed.get(type), savepoint, logger), failed)) done.push(type);
    }
    if (done.length) logger?.info({ contentTypes: done }, "render versions: triggers installed");
    return done;
  });
}
