/**
 * Group directory benchmark: 5,000 groups (open, private, secret), 2,000 people, one reader in 300 groups.
 * Generates the data into a new database with the app's own migrations, starts the real app in a child
 * process (bench/serve.ts), signs in as the reader and runs autocannon on the directory and "my groups".
 *
 *   npx tsx bench/groups-bench.ts [--db sqlite:/tmp/agora-groups.sqlite | postgres://root@127.0.0.1:5432/agora_groups] [--groups 5000] [--memberships 300] [--duration 10] [--connections 10]
 *
 * Without --db it uses a fresh SQLite file in a temporary folder. A PostgreSQL database must exist and be empty.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pino from "pino";
import type { QueryInterface } from "sequelize";
import { loadConfig } from "../config/index.ts";
import { openCore } from "../core/app.ts";
import { hashPassword } from "../core/auth/passwords.ts";
import { BenchSession } from "./lib/session.ts";
import { positiveInteger, readOptions } from "./lib/options.ts";

const usage = "npx tsx bench/groups-bench.ts [--db sqlite:/path.sqlite|postgres://...] [--groups 5000] [--users 2000] [--memberships 300] [--duration 10] [--connections 10]";
const options = readOptions(usage, { db: "", groups: "5000", users: "2000", memberships: "300", duration: "10", connections: "10" });
const counts = { groups: positiveInteger("groups", options.groups), users: positiveInteger("users", options.users), memberships: positiveInteger("memberships", options.memberships) };
const duration = positiveInteger("duration", options.duration);
const connections = positiveInteger("connections", options.connections);
const reader = { username: "groupreader", password: "groups-bench-password" };
const workDir = mkdtempSync(path.join(os.tmpdir(), "agora-groups-bench-"));
const databaseUrl = options.db || `sqlite:${path.join(workDir, "agora.sqlite")}`;

/** A small deterministic generator (mulberry32), so two runs build the same instance. */
function seeded(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let value = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(7);
const below = (n: number) => Math.floor(random() * n);
const places = ["Lyon", "Paris", "Lille", "Nantes", "Bordeaux", "Toulouse", "Berlin", "Madrid", "Milan", "Porto", "Gent", "Basel"];
const words = ["Quality", "Safety", "Maintenance", "Sales", "Finance", "Logistics", "Design", "Running", "Chess", "Onboarding", "Retrofit", "Lean", "Data", "Welding", "Purchasing", "Training"];

async function insertInBatches(qi: QueryInterface, table: string, rows: Record<string, unknown>[], size = 500) {
  for (let start = 0; start < rows.length; start += size) await qi.bulkInsert(table, rows.slice(start, start + size));
}

/** Users, groups and memberships, written with the app's own schema; returns a few URLs worth measuring. */
async function generate() {
  const config = loadConfig({ DATABASE_URL: databaseUrl, AGORA_DATA_DIR: workDir, AGORA_LOG_LEVEL: "warn", AGORA_MODULE_PATHS: path.resolve(import.meta.dirname, "../modules") });
  const core = await openCore(config, pino({ level: "warn" }));
  try {
    if (!core.registry.isEnabled("groups")) throw new Error("the groups module is not on in this database");
    await core.settings.set({ siteName: "Groups bench", isSetupComplete: true, registrationMode: "closed" });
    const qi = core.sequelize.getQueryInterface();
    const now = new Date();
    const hash = await hashPassword(reader.password);
    const users = Array.from({ length: counts.users }, (_, index) => {
      const id = index + 1;
      const username = id === 1 ? reader.username : `person${id}`;
      return { id, email: `${username}@example.test`, username, display_name: id === 1 ? "Group Reader" : `Person ${id}`, password_hash: hash, role: "member", status: "active", auth_source: "local", created_at: now, updated_at: now };
    });
    await insertInBatches(qi, "users", users);
    const categories = (await core.sequelize.query<{ id: number }>("SELECT id FROM group_categories ORDER BY id", { type: "SELECT" as never })).map((row) => Number(row.id));

    const groups: Record<string, unknown>[] = [];
    const memberships: Record<string, unknown>[] = [];
    const readerEvery = counts.groups / counts.memberships;
    for (let index = 0; index < counts.groups; index += 1) {
      const id = index + 1;
      const name = `${places[below(places.length)]} ${words[below(words.length)]} ${id}`;
      const roll = random();
      const visibility = roll < 0.7 ? "open" : roll < 0.9 ? "private" : "secret";
      const members = new Set<number>();
      const size = 5 + below(30);
      while (members.size < size) members.add(2 + below(counts.users - 1));
      if (Math.floor(index % readerEvery) === 0 && memberships.filter((m) => m.user_id === 1).length < counts.memberships) members.add(1);
      const owner = [...members][0];
      groups.push({ id, slug: `group-${id}`, name, sort_name: name.toLowerCase(), description: `The ${name} group: news, questions and files.`, summary: `The ${name} group: news, questions and files.`, category_id: categories[below(categories.length)] ?? null, tags: ` ${words[below(words.length)].toLowerCase()} `, visibility, is_archived: random() < 0.05, is_default: false, member_count: 0 /* the memberships trigger counts them */, created_by: owner, created_at: now, updated_at: now });
      for (const userId of members) memberships.push({ group_id: id, user_id: userId, role: userId === owner ? "owner" : "member", show_on_dashboard: true, notification_level: "all", created_at: now, updated_at: now });
    }
    await insertInBatches(qi, "groups", groups);
    await insertInBatches(qi, "group_memberships", memberships);
    if (core.sequelize.getDialect() === "postgres") {
      for (const table of ["users", "groups"]) await core.sequelize.query(`SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), (SELECT MAX(id) FROM "${table}"))`);
      await core.sequelize.query("ANALYZE");
    } else await core.sequelize.query("ANALYZE");
    const readerGroups = memberships.filter((m) => m.user_id === 1).length;
    console.log(`generated ${counts.users} users, ${counts.groups} groups, ${memberships.length} memberships; the reader is in ${readerGroups} groups (${core.sequelize.getDialect()})`);
  } finally {
    await core.sequelize.close();
  }
}

function startServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = fork(new URL("./serve.ts", import.meta.url).pathname, { execArgv: ["--import", "tsx"], env: { ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl, AGORA_LOG_LEVEL: "warn" } });
  return new Promise((resolve, reject) => {
    const stop = () => new Promise<void>((done) => {
      child.once("exit", () => done());
      child.kill("SIGTERM");
    });
    child.once("message", (message: { port: number }) => resolve({ url: `http://127.0.0.1:${message.port}`, stop }));
    child.once("exit", (code) => reject(new Error(`the app exited before listening (code ${code})`)));
  });
}

const percentile = (sorted: number[], fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? NaN;

async function measure(url: string, cookie: string, seconds: number) {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds, headers: { cookie, accept: "text/html" } }, (error, done) => (error ? reject(error) : resolve(done)));
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  latencies.sort((a, b) => a - b);
  return { requestsPerSecond: result.requests.average, p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99), total: result.requests.total, failed: result.non2xx + result.errors + result.timeouts };
}

async function main() {
  await generate();
  const server = await startServer();
  try {
    const session = new BenchSession(server.url);
    await session.signIn(reader.username, reader.password);
    const first = await session.request("GET", "/groups");
    const nextPage = /href="(\/groups\?after=[^"]+)"/.exec(first.text)?.[1].replaceAll("&amp;", "&");
    const plan: [string, string | undefined][] = [
      ["directory", "/groups"],
      ["directory page 2", nextPage],
      ["directory search", "/groups?q=quality"],
      ["directory category", "/groups?category=2"],
      ["my groups", "/groups?scope=mine"],
      ["my groups search", "/groups?scope=mine&q=lyon"],
    ];
    console.log(`${os.cpus().length} CPUs, load ${os.loadavg().map((load) => load.toFixed(2)).join(" ")}; ${connections} connections, ${duration} s per page after 2 s warm-up`);
    console.log(`${new Date().toISOString()}, ${databaseUrl.split(":")[0]}`);
    console.log("\n| page | path | req/s | p50 ms | p95 ms | p99 ms | requests | failed | load |\n|---|---|---|---|---|---|---|---|---|");
    for (const [page, pagePath] of plan) {
      if (!pagePath) continue;
      const probe = await session.request("GET", pagePath);
      if (probe.status !== 200) throw new Error(`${pagePath}: status ${probe.status}`);
      await measure(server.url + pagePath, session.cookieHeader, 2);
      const m = await measure(server.url + pagePath, session.cookieHeader, duration);
      console.log(`| ${page} | \`${pagePath}\` | ${m.requestsPerSecond.toFixed(0)} | ${m.p50.toFixed(1)} | ${m.p95.toFixed(1)} | ${m.p99.toFixed(1)} | ${m.total} | ${m.failed} | ${os.loadavg()[0].toFixed(1)} |`);
    }
  } finally {
    await server.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
