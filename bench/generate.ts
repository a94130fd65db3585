/**
 * Generates a realistic Agora instance for benchmarks: the app's own migrations (core and modules), then
 * users, groups with skewed membership, and a Zipf-like history of posts, comments, reactions, mentions
 * and topics, bulk-inserted on a separate connection.
 *
 *   npx tsx bench/generate.ts --db sqlite:/tmp/agora-bench.sqlite --users 10000 --groups 200 --contents 1000000 [--seed 1]
 *   npx tsx bench/generate.ts --db postgres://root@127.0.0.1:5432/agora_bench ...   (an empty database)
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { QueryTypes, type Sequelize } from "sequelize";
import { loadConfig } from "../config/index.ts";
import { openCore } from "../core/app.ts";
import { hashPassword } from "../core/auth/passwords.ts";
import { renderMarkdown } from "../core/content/markdown.ts";
import { dialectOf } from "../core/db/sequelize.ts";
import { dropStatements, type TriggerObject } from "../core/search/triggers.ts";
import { BulkWriter } from "./lib/bulk-writer.ts";
import { createActivity } from "./lib/activity.ts";
import { benchUser, createFollows, createGroups, createUsers, type Population } from "./lib/people.ts";
import { positiveInteger, readOptions, seconds } from "./lib/options.ts";
import { seededRandom, shuffled, Zipf, type Random } from "./lib/random.ts";
import { bodyHtml, postBody } from "./lib/text.ts";

const usage = "npx tsx bench/generate.ts --db sqlite:/path/file.sqlite|postgres://... [--users 10000] [--groups 200] [--contents 1000000] [--seed 1]";
const options = readOptions(usage, { db: undefined, users: "10000", groups: "200", contents: "1000000", seed: "1" });
const counts = {
  users: positiveInteger("users", options.users),
  groups: positiveInteger("groups", options.groups),
  contents: positiveInteger("contents", options.contents),
};
if (counts.users < 100) {
  console.error("--users must be at least 100 (the bench reader follows 20 people and joins 50 groups)");
  process.exit(2);
}
const random = seededRandom(positiveInteger("seed", options.seed));
const startedAt = performance.now();
const now = Date.now();
const log = (message: string) => console.log(`[${seconds(startedAt)}] ${message}`);

/** Opens the app's core on the database (migrations and start-up work included), runs `work`, closes it. */
async function withCore<T>(databaseUrl: string, work: (core: Awaited<ReturnType<typeof openCore>>) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "agora-bench-generate-"));
  try {
    const config = loadConfig({ DATABASE_URL: databaseUrl, AGORA_DATA_DIR: dataDir, AGORA_LOG_LEVEL: "warn", AGORA_MODULE_PATHS: path.resolve(import.meta.dirname, "../modules") });
    const core = await openCore(config, pino({ level: "warn" }));
    try {
      return await work(core);
    } finally {
      await core.sequelize.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Migrates with the app's own code, enables the groups module, marks setup done; returns the tables that exist. */
async function prepareSchema(databaseUrl: string) {
  return withCore(databaseUrl, async (core) => {
    const [row] = (await core.sequelize.query("SELECT COUNT(*) AS count FROM users"))[0] as { count: number }[];
    if (Number(row.count) > 0) throw new Error(`${databaseUrl} already has users: generate into a new database`);
    if (core.registry.list().some((module) => module.id === "groups") && !core.registry.isEnabled("groups")) await core.registry.enable("groups");
    await core.settings.set({ siteName: "Agora bench", isSetupComplete: true, registrationMode: "closed" });
    const tables = new Set((await core.sequelize.getQueryInterface().showAllTables()).map((table) => (typeof table === "string" ? table : (table as { tableName: string }).tableName)));
    if (tables.has("search_sources")) await detachSearch(core.sequelize);
    return tables;
  });
}

/**
 * The search triggers refresh a document per written row; during a bulk load they stand aside. The app
 * reinstalls them at its next start and, finding none installed, indexes everything in one pass: the
 * path of an instance that existed before search did (core/search/install.ts).
 */
async function detachSearch(sequelize: Sequelize) {
  const installed = await sequelize.query<{ triggers: string }>("SELECT triggers FROM search_sources", { type: QueryTypes.SELECT });
  const objects = installed.flatMap((row) => JSON.parse(row.triggers) as TriggerObject[]);
  for (const sql of dropStatements(objects, dialectOf(sequelize))) await sequelize.query(sql);
  await sequelize.query("DELETE FROM search_sources");
  await sequelize.query("DELETE FROM search_documents");
}

/** The generator writes HTML itself (renderMarkdown costs ~100 µs a call); it must be what the app would have written. */
function checkHtmlMatchesApp(check: Random) {
  for (let sample = 0; sample < 300; sample += 1) {
    const mentions = sample % 3 === 0 ? ["anna.berg2"] : [];
    const body = postBody(check, { mentions, topics: sample % 4 === 0 ? ["quality", "lyon"] : [] });
    const expected = renderMarkdown(body, { usernames: new Set(mentions) });
    if (bodyHtml(body) !== expected) throw new Error(`bench HTML differs from the app's for:\n${body}\napp:   ${expected}\nbench: ${bodyHtml(body)}`);
  }
}

async function main() {
  checkHtmlMatchesApp(seededRandom(7));
  const tables = await prepareSchema(options.db);
  log(`schema migrated (${tables.size} tables)`);
  const missing = ["groups", "group_memberships", "comments", "reactions"].filter((table) => !tables.has(table));
  if (missing.length) console.warn(`warning: no ${missing.join(", ")} table(s) yet: generating without them`);

  const passwordHash = await hashPassword(benchUser.password);
  const writer = await BulkWriter.open(options.db);
  try {
    const usernames = await createUsers(writer, random, counts.users, passwordHash, now, tables);
    const userIds = usernames.map((_, index) => index + 1);
    const population: Population = {
      userIds,
      usernames,
      userByRank: shuffled(random, userIds),
      userActivity: new Zipf(counts.users, 1, random),
      groups: [],
      groupActivity: new Zipf(counts.groups, 1, random),
      benchId: 1,
      adminId: 2,
    };
    log(`${counts.users} users (login "${benchUser.username}" / "${benchUser.password}"; every account has that password)`);
    log(`${await createFollows(writer, random, population, now)} follows`);
    if (tables.has("groups") && tables.has("group_memberships")) {
      population.groups = await createGroups(writer, random, counts.groups, counts.users, population.benchId, now);
      const memberships = population.groups.reduce((sum, group) => sum + group.members.length, 0);
      const sizes = population.groups.map((group) => group.members.length).sort((a, b) => b - a);
      log(`${counts.groups} groups, ${memberships} memberships (largest ${sizes.slice(0, 3).join(", ")}; median ${sizes[sizes.length >> 1]})`);
    }
    const activity = await createActivity(writer, random, population, {
      contents: counts.contents,
      now,
      spanMs: 2 * 365 * 24 * 3600 * 1000,
      tables,
      onProgress: (done) => log(`contents ${done}/${counts.contents} (${Math.round(done / ((performance.now() - startedAt) / 1000))}/s overall)`),
    });
    log(`written: ${Object.entries(activity).map(([table, count]) => `${count} ${table}`).join(", ")}`);
    log("committing, resetting sequences, statistics...");
    await writer.finish(["users", "groups", "contents", "posts", "comments", "reactions", "mentions", "topics", "announcements"].filter((table) => tables.has(table)));
    const benchKeys = await writer.query<{ count: number }>(
      `SELECT COUNT(*) AS count FROM contents WHERE deleted_at IS NULL AND hidden_at IS NULL AND stream_key IN ('company:0', 'user:1',
         ${population.groups.filter((group) => group.hasBench).map((group) => `'group:${group.id}'`).concat("'none'").join(", ")},
         ${(await writer.query<{ id: number }>("SELECT followed_id AS id FROM user_follows WHERE follower_id = 1")).map((row) => `'user:${row.id}'`).concat("'none'").join(", ")})`,
    );
    log(`the bench reader's dashboard matches ${benchKeys[0].count} of ${counts.contents} contents`);
  } finally {
    await writer.close();
  }
  if (tables.has("search_sources")) {
    log("search: the app installs its triggers and indexes everything...");
    const indexed = await withCore(options.db, (core) => core.sequelize.query<{ kind: string; count: number }>("SELECT kind, COUNT(*) AS count FROM search_documents GROUP BY kind", { type: QueryTypes.SELECT }));
    log(`search: ${indexed.map((row) => `${row.count} ${row.kind}`).join(", ")}`);
  }
  const size = options.db.startsWith("sqlite:") ? ` (${(statSync(options.db.slice("sqlite:".length).replace(/^\/\//, "")).size / 1e9).toFixed(2)} GB)` : "";
  log(`done${size}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
