/**
 * Search figures, in two runs:
 *
 *   npx tsx bench/search-bench.ts search --db <a database made by bench/generate.ts> [--duration 10] [--connections 10]
 *     GET /search on the 1,000,000-content dataset as the bench reader (a member of 50 groups): words of
 *     every frequency, a phrase, tabs, the newest order, a word nobody wrote.
 *
 *   npx tsx bench/search-bench.ts suggest --db sqlite:/tmp/suggest.sqlite|postgres://.../empty_db [--users 10000]
 *     Migrates an empty database, bulk-inserts the users (accented names, profiles; the search triggers index
 *     them as any writer), then GET /search/suggest (the top box's autocomplete) for several prefixes.
 *
 *   npx tsx bench/search-bench.ts autocomplete --db <a database made by bench/generate.ts, e.g. --users 10000>
 *     GET /search/suggest (people and groups) and /people/suggest (@mentions) as the bench reader, on the
 *     generated people and groups: prefixes that match many, few and none.
 *
 * The app runs in its own process (bench/serve.ts); autocannon keeps every response time so p95 is exact.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pino from "pino";
import { loadConfig } from "../config/index.ts";
import { openCore } from "../core/app.ts";
import { hashPassword } from "../core/auth/passwords.ts";
import { BulkWriter, type Value } from "./lib/bulk-writer.ts";
import { benchUser } from "./lib/people.ts";
import { positiveInteger, readOptions } from "./lib/options.ts";
import { BenchSession } from "./lib/session.ts";

const mode = process.argv[2];
process.argv.splice(2, 1);
const usage = "npx tsx bench/search-bench.ts search|suggest|autocomplete --db sqlite:/path|postgres://... [--duration 10] [--connections 10] [--users 10000]";
if (mode !== "search" && mode !== "suggest" && mode !== "autocomplete") {
  console.error(`usage: ${usage}`);
  process.exit(2);
}
const options = readOptions(usage, { db: undefined, duration: "10", connections: "10", users: "10000" });
const duration = positiveInteger("duration", options.duration);
const connections = positiveInteger("connections", options.connections);

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(new URL("./serve.ts", import.meta.url).pathname, {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: options.db, AGORA_LOG_LEVEL: "warn" },
  });
  return new Promise((resolve, reject) => {
    child.once("message", (message: { port: number }) => resolve({ child, url: `http://127.0.0.1:${message.port}` }));
    child.once("exit", (code) => reject(new Error(`the app exited before listening (code ${code})`)));
  });
}

const percentile = (sorted: number[], fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? NaN;

/** CPU time the app process has used (user + system), asked over IPC as bench/load.ts does: it holds on a busy machine. */
function appCpuMs(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const listener = (message: { cpu?: NodeJS.CpuUsage }) => {
      if (!message.cpu) return;
      child.off("message", listener);
      resolve((message.cpu.user + message.cpu.system) / 1000);
    };
    child.on("message", listener);
    child.send("cpu");
  });
}

async function measure(server: { url: string; child: ChildProcess }, session: BenchSession, label: string, path: string, accept: string) {
  const baseUrl = server.url;
  const probe = await session.request("GET", path);
  if (probe.status !== 200) throw new Error(`${path}: status ${probe.status}`);
  const run = (seconds: number) => {
    const latencies: number[] = [];
    return new Promise<{ result: autocannon.Result; latencies: number[] }>((resolve, reject) => {
      const instance = autocannon({ url: baseUrl + path, connections, duration: seconds, headers: { cookie: session.cookieHeader, accept } }, (error, result) =>
        error ? reject(error) : resolve({ result, latencies: latencies.sort((a, b) => a - b) }),
      );
      instance.on("response", (_client, _status, _bytes, time) => latencies.push(time));
    });
  };
  await run(2);
  const cpuBefore = await appCpuMs(server.child);
  const { result, latencies } = await run(duration);
  const cpuMs = (await appCpuMs(server.child)) - cpuBefore;
  const row = {
    label,
    path,
    rps: result.requests.average,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    total: result.requests.total,
    failed: result.non2xx + result.errors + result.timeouts,
    load: os.loadavg()[0],
    cpuMsPerRequest: cpuMs / Math.max(1, result.requests.total),
  };
  console.log(`${label.padEnd(22)} ${row.rps.toFixed(0).padStart(5)} req/s  p50 ${row.p50.toFixed(1)}  p95 ${row.p95.toFixed(1)}  p99 ${row.p99.toFixed(1)} ms  (${row.total} req, ${row.failed} failed, app CPU ${row.cpuMsPerRequest.toFixed(1)} ms/req, load ${row.load.toFixed(2)})  ${path}`);
  return row;
}

const searchPlan: [string, string][] = [
  ["common word", "/search?q=workshop"],
  ["very common word", "/search?q=thanks"],
  ["place", "/search?q=lyon"],
  ["two words", "/search?q=quarterly+review"],
  ["phrase", "/search?q=%22product+launch%22"],
  ["stemmed", "/search?q=launching"],
  ["newest order", "/search?q=workshop&sort=newest"],
  ["page 5", "/search?q=workshop&page=5"],
  ["comments tab", "/search?q=recording&type=comment"],
  ["posts tab, rare there", "/search?q=recording&type=post"],
  ["people tab", "/search?q=lyon&type=person"],
  ["no match", "/search?q=zyzzyva"],
];

const suggestPlan: [string, string][] = [
  ["one letter", "/search/suggest?q=a"],
  ["two letters", "/search/suggest?q=el"],
  ["accent typed", "/search/suggest?q=%C3%A9lo"],
  ["accent omitted", "/search/suggest?q=helo"],
  ["last name", "/search/suggest?q=mart"],
  ["two words", "/search/suggest?q=jean+du"],
  ["no match", "/search/suggest?q=zyx"],
];

// Names of bench/lib/text.ts: first and last names, group words and places.
const autocompletePlan: [string, string][] = [
  ["one letter", "/search/suggest?q=m"],
  ["two letters", "/search/suggest?q=ma"],
  ["first name", "/search/suggest?q=elena"],
  ["last name", "/search/suggest?q=fontai"],
  ["two words", "/search/suggest?q=maria+du"],
  ["group word", "/search/suggest?q=sales"],
  ["group place", "/search/suggest?q=lyo"],
  ["no match", "/search/suggest?q=zyx"],
  ["@mention, 2 letters", "/people/suggest?q=ma"],
  ["@mention, name", "/people/suggest?q=elena+mar"],
];

const firstNames = ["Élodie", "Hélène", "Jérôme", "Anaïs", "Zoé", "François", "Chloé", "Noël", "Anna", "Bruno", "Jean", "Marie", "Paul", "Léa", "Ines", "Omar", "Ada", "Yann"];
const lastNames = ["Martin", "Dubois", "Durand", "Lefèvre", "Müller", "García", "Nowak", "Rossi", "Moreau", "Fontaine", "Bénard", "Guérin", "Dupont", "Schmidt"];

/** An empty database, migrated, then `count` users in multi-row INSERTs (the triggers index each one). */
async function prepareUsers(count: number) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "agora-suggest-bench-"));
  try {
    const core = await openCore(loadConfig({ DATABASE_URL: options.db, AGORA_DATA_DIR: dataDir, AGORA_MODULE_PATHS: path.resolve(import.meta.dirname, "../modules") }), pino({ level: "warn" }));
    await core.settings.set({ siteName: "Agora suggest bench", isSetupComplete: true, registrationMode: "closed" });
    await core.sequelize.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const started = performance.now();
  const writer = await BulkWriter.open(options.db);
  const hash = await hashPassword(benchUser.password);
  const now = writer.date(Date.now());
  const users = writer.table("users", ["id", "email", "username", "display_name", "password_hash", "role", "status", "auth_source", "created_at", "updated_at"]);
  const profiles = writer.table("user_profiles", ["user_id", "job_title", "department", "updated_at"]);
  for (let id = 1; id <= count; id += 1) {
    const name = id === 1 ? "Bench Reader" : `${firstNames[id % firstNames.length]} ${lastNames[Math.floor(id / firstNames.length) % lastNames.length]}`;
    const username = id === 1 ? benchUser.username : `user${id}`;
    const row: Value[] = [id, `${username}@example.test`, username, name, hash, "member", "active", "local", now, now];
    users.add(row);
    profiles.add([id, ["Engineer", "Analyst", "Designer"][id % 3], ["Sales", "Support", "Finance"][id % 3], now]);
    await writer.drain();
  }
  await writer.finish(["users"]);
  await writer.close();
  console.log(`${count} users inserted and indexed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function main() {
  if (mode === "suggest") await prepareUsers(positiveInteger("users", options.users));
  const server = await startServer();
  try {
    console.log(`${mode} bench on ${options.db}; ${connections} connections, ${duration} s per URL; ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    const session = new BenchSession(server.url);
    await session.signIn(benchUser.username, benchUser.password);
    const rows = [];
    const plan = mode === "search" ? searchPlan : mode === "suggest" ? suggestPlan : autocompletePlan;
    for (const [label, url] of plan) rows.push(await measure(server, session, label, url, mode === "search" ? "text/html" : "application/json"));
    console.log(`\n| query | path | req/s | p50 ms | p95 ms | p99 ms | requests | failed | app CPU ms/req | load |\n|---|---|---|---|---|---|---|---|---|---|`);
    for (const row of rows) {
      console.log(`| ${row.label} | \`${row.path}\` | ${row.rps.toFixed(0)} | ${row.p50.toFixed(1)} | ${row.p95.toFixed(1)} | ${row.p99.toFixed(1)} | ${row.total} | ${row.failed} | ${row.cpuMsPerRequest.toFixed(1)} | ${row.load.toFixed(2)} |`);
    }
  } finally {
    server.child.kill("SIGTERM");
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
