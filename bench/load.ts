/**
 * Load run against a generated instance (bench/generate.ts): starts the real app in a child process on a
 * loopback port, signs in as "bench" (a member of 50 groups), and runs autocannon on the signed-in
 * dashboard, its second page, a group stream and a profile page; prints requests/s and p50/p95/p99.
 *
 *   npx tsx bench/load.ts --db sqlite:/tmp/agora-bench.sqlite [--duration 20] [--connections 20] [--pages dashboard,page2,group,profile] [--workers 2] [--writes 5] [--rate 300]
 *
 * --rate N: offer N requests a second in all (autocannon's overallRate) instead of as many as the connections
 * can send: the latency at a given load (say 300 req/s) rather than at saturation, where with 20 connections
 * p95 can be no lower than about 20 / (requests a second).
 *
 * --cpu-prof DIR: the app process writes a V8 CPU profile there when it stops (one worker: --workers 1).
 *
 * --writes N: while a page is measured, the bench user likes (then unlikes) the entries shown on it in turn,
 * N times a second: each write changes one entry of the page, so the entry cache must render it again.
 */
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import autocannon from "autocannon";
import { queryDatabase } from "./lib/bulk-writer.ts";
import { benchUser } from "./lib/people.ts";
import { positiveInteger, readOptions } from "./lib/options.ts";
import { BenchSession } from "./lib/session.ts";

const usage = "npx tsx bench/load.ts --db sqlite:/path/file.sqlite|postgres://... [--duration 20] [--connections 20] [--warmup 3] [--timeout 30] [--pages dashboard,page2,group,profile] [--workers 1] [--writes 0] [--rate 0] [--cpu-prof DIR] [--log-level warn]";
const options = readOptions(usage, { db: undefined, duration: "20", connections: "20", warmup: "3", timeout: "30", pages: "dashboard,page2,group,profile", workers: "1", writes: "0", rate: "0", "cpu-prof": "", "log-level": "warn" });
const duration = positiveInteger("duration", options.duration);
const connections = positiveInteger("connections", options.connections);
const warmup = Number(options.warmup);
const timeout = positiveInteger("timeout", options.timeout);
const wanted = new Set(options.pages.split(","));
// AGORA_WORKERS for the app: that many processes share the port, as `npm start` runs them.
const workers = positiveInteger("workers", options.workers);
const writesPerSecond = Number(options.writes);
if (!(writesPerSecond >= 0 && writesPerSecond <= 100)) throw new Error("--writes must be a number from 0 to 100");
// 0: as fast as the connections go (saturation).
const rate = Number(options.rate);
if (!(Number.isInteger(rate) && rate >= 0)) throw new Error("--rate must be a whole number of requests a second (0: no limit)");

function startServer(): Promise<{ child: ChildProcess; url: string; modules: string[] }> {
  const child = fork(new URL("./serve.ts", import.meta.url).pathname, {
    execArgv: ["--import", "tsx", ...(process.env.BENCH_TRACE_GC ? ["--trace-gc"] : []), ...(options["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${options["cpu-prof"]}`] : [])],
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: options.db, AGORA_LOG_LEVEL: options["log-level"], AGORA_WORKERS: String(workers) },
  });
  return new Promise((resolve, reject) => {
    child.once("message", (message: { port: number; modules: string[] }) => resolve({ child, url: `http://127.0.0.1:${message.port}`, modules: message.modules }));
    child.once("exit", (code) => reject(new Error(`the app exited before listening (code ${code})`)));
  });
}

/** Bench's busiest group (most live contents) and the busiest profile among the people bench follows. */
async function pickTargets() {
  const bench = `(SELECT id FROM users WHERE username = '${benchUser.username}')`;
  const busiest = (containerType: string, ids: string) =>
    `SELECT container_id AS id, COUNT(*) AS contents FROM contents WHERE container_type = '${containerType}' AND container_id IN (${ids})
     AND deleted_at IS NULL AND hidden_at IS NULL GROUP BY container_id ORDER BY COUNT(*) DESC LIMIT 1`;
  const [group] = await queryDatabase<{ id: number; contents: number }>(options.db, busiest("group", `SELECT group_id FROM group_memberships WHERE user_id = ${bench}`)).catch(() => []);
  const [profile] = await queryDatabase<{ id: number; contents: number }>(options.db, busiest("user", `SELECT followed_id FROM user_follows WHERE follower_id = ${bench}`));
  const [groupRow] = group ? await queryDatabase<{ slug: string; member_count: number }>(options.db, `SELECT slug, member_count FROM groups WHERE id = ${Number(group.id)}`) : [];
  const [person] = profile ? await queryDatabase<{ username: string }>(options.db, `SELECT username FROM users WHERE id = ${Number(profile.id)}`) : [];
  const [memberships] = await queryDatabase<{ count: number }>(options.db, `SELECT COUNT(*) AS count FROM group_memberships WHERE user_id = ${bench}`).catch(() => [{ count: 0 }]);
  return {
    groupCount: Number(memberships.count),
    group: groupRow ? { path: `/g/${groupRow.slug}`, note: `${groupRow.member_count} members, ${group.contents} contents` } : null,
    profile: person ? { path: `/u/${person.username}`, note: `${profile.contents} contents` } : null,
  };
}

interface Measure {
  page: string;
  path: string;
  note: string;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  total: number;
  failed: number;
  /** 1-minute load average when the run ended: other work on the machine skews the figures. */
  load: number;
  /** CPU time the app process used per request (user + system, all its threads), the --writes included. */
  cpuMsPerRequest: number;
  /** Likes written during the run (--writes). */
  writes: number;
}

const percentile = (sorted: number[], fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? NaN;

/** autocannon's own percentiles stop at p90/p97.5, so every response time is kept to compute p95 exactly. */
async function run(url: string, cookie: string, seconds: number) {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds, timeout, ...(rate > 0 ? { overallRate: rate } : {}), headers: { cookie, accept: "text/html" } }, (error, done) => (error ? reject(error) : resolve(done)));
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  latencies.sort((a, b) => a - b);
  return { result, latencies };
}

/** --writes: toggles a like on the page's entries in turn until stopped; resolves to the number of writes done. */
function startWriter(session: BenchSession, pageHtml: string): () => Promise<number> {
  const ids = [...pageHtml.matchAll(/<article class="entry[^"]*" id="content-(\d+)"/g)].map((match) => match[1]);
  const token = /<meta name="csrf-token" content="([^"]+)"/.exec(pageHtml)?.[1];
  if (writesPerSecond === 0 || ids.length === 0 || !token) return async () => 0;
  let writes = 0;
  let pending = Promise.resolve();
  const timer = setInterval(() => {
    const id = ids[writes % ids.length];
    writes += 1;
    pending = pending.then(async () => {
      const response = await session.request("POST", `/c/${id}/react`, new URLSearchParams({ kind: "like", _csrf: token }));
      if (response.status >= 400) throw new Error(`write on /c/${id}/react: status ${response.status}`);
    });
  }, 1000 / writesPerSecond);
  return async () => {
    clearInterval(timer);
    await pending;
    return writes;
  };
}

/** Asks the app process something over IPC and waits for the answer that has this field. */
function ask<T>(child: ChildProcess, question: "cpu" | "idle", field: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: Record<string, unknown>) => {
      if (!(field in message)) return;
      child.off("message", listener);
      resolve(message[field] as T);
    };
    child.on("message", listener);
    child.send(question);
  });
}

const cpuOf = async (child: ChildProcess) => {
  const cpu = await ask<NodeJS.CpuUsage>(child, "cpu", "cpu");
  return (cpu.user + cpu.system) / 1000;
};

/** Requests autocannon gave up on keep the app busy: the next run starts once they are done. */
const idle = (child: ChildProcess) => ask<boolean>(child, "idle", "idle");

async function measure(server: { url: string; child: ChildProcess }, session: BenchSession, page: string, path: string, note: string): Promise<Measure | null> {
  const baseUrl = server.url;
  const probe = await session.request("GET", path);
  if (probe.status !== 200) {
    console.log(`skipping ${page} (${path}): status ${probe.status}${probe.location ? ` → ${probe.location}` : ""}`);
    return null;
  }
  if (warmup > 0) await run(baseUrl + path, session.cookieHeader, warmup);
  await idle(server.child);
  const cpuBefore = await cpuOf(server.child);
  const stopWriter = startWriter(session, probe.text);
  const { result, latencies } = await run(baseUrl + path, session.cookieHeader, duration);
  const writes = await stopWriter();
  // Requests still running when the time is up are part of the cost: wait for them, count them as done.
  const unfinished = result.requests.sent - result.requests.total;
  await idle(server.child);
  const cpuMs = (await cpuOf(server.child)) - cpuBefore;
  const measured: Measure = {
    page,
    path,
    note,
    requestsPerSecond: result.requests.average,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    total: result.requests.total,
    failed: result.non2xx + result.errors + result.timeouts,
    load: os.loadavg()[0],
    cpuMsPerRequest: cpuMs / Math.max(1, result.requests.total + Math.max(0, unfinished)),
    writes,
  };
  console.log(`${page.padEnd(10)} ${measured.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${measured.p50.toFixed(1)} ms  p95 ${measured.p95.toFixed(1)} ms  p99 ${measured.p99.toFixed(1)} ms  (${measured.total} requests, ${measured.failed} failed, app CPU ${measured.cpuMsPerRequest.toFixed(1)} ms/request, load ${measured.load.toFixed(2)}${writes ? `, ${writes} writes` : ""})  ${path}`);
  return measured;
}

async function main() {
  const server = await startServer();
  try {
    console.log(`app on ${server.url} (modules: ${server.modules.join(", ") || "none"}); ${connections} connections${rate ? `, ${rate} requests/s offered` : ", as fast as they go"}, ${duration} s per page after ${warmup} s warm-up`);
    console.log(`${os.cpus().length} CPUs, load average ${os.loadavg().map((load) => load.toFixed(2)).join(" ")} before the run`);
    const session = new BenchSession(server.url);
    await session.signIn(benchUser.username, benchUser.password);
    const dashboard = await session.request("GET", "/");
    if (dashboard.status !== 200) throw new Error(`dashboard: status ${dashboard.status}`);
    const secondPage = /href="(\/\?before=[^"]+)"/.exec(dashboard.text)?.[1].replaceAll("&amp;", "&");
    const targets = await pickTargets();

    const plan: [string, string | null, string][] = [
      ["dashboard", "/", `user in ${targets.groupCount} groups`],
      ["page2", secondPage ?? null, "dashboard ?before= cursor"],
      ["group", targets.group?.path ?? null, targets.group?.note ?? ""],
      ["profile", targets.profile?.path ?? null, targets.profile?.note ?? ""],
    ];
    const results: Measure[] = [];
    for (const [page, path, note] of plan) {
      if (!wanted.has(page)) continue;
      if (!path) {
        console.log(`skipping ${page}: ${page === "group" ? "no groups in this database (groups module missing?)" : "nothing to load"}`);
        continue;
      }
      const measured = await measure(server, session, page, path, note);
      if (measured) results.push(measured);
    }
    console.log("\n| page | path | req/s | p50 ms | p95 ms | p99 ms | requests | failed | app CPU ms/req | load | writes |\n|---|---|---|---|---|---|---|---|---|---|---|");
    for (const m of results) {
      console.log(`| ${m.page} | \`${m.path}\` (${m.note}) | ${m.requestsPerSecond.toFixed(0)} | ${m.p50.toFixed(1)} | ${m.p95.toFixed(1)} | ${m.p99.toFixed(1)} | ${m.total} | ${m.failed} | ${m.cpuMsPerRequest.toFixed(1)} | ${m.load.toFixed(2)} | ${m.writes} |`);
    }
  } finally {
    server.child.kill("SIGTERM");
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
