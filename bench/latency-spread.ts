/**
 * Where the dashboard's latency spread comes from: the app in this process (one worker), autocannon in a
 * child process on the signed-in dashboard, and three distributions printed side by side: the client's
 * latency, the time each request spends in the app (from Node's 'request' event to the response's
 * 'finish'), and the event loop's lag (a 1 ms timer's delay). --limit N admits N requests at a time into
 * the app, first come first served, the rest waiting (still counted in the app's time): with N = 1 the
 * spread left is that of the requests' own CPU time (GC pauses included), not of their interleaving.
 *
 *   npx tsx bench/latency-spread.ts --db sqlite:/tmp/agora-bench.sqlite [--duration 8] [--connections 20] [--limit 0]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../config/index.ts";
import { createApp } from "../core/app.ts";
import { benchUser } from "./lib/people.ts";
import { positiveInteger, readOptions } from "./lib/options.ts";
import { BenchSession } from "./lib/session.ts";

const options = readOptions("npx tsx bench/latency-spread.ts --db sqlite:/path/file.sqlite|postgres://... [--duration 8] [--connections 20] [--limit 0]", {
  db: undefined,
  duration: "8",
  connections: "20",
  limit: "0",
});
const duration = positiveInteger("duration", options.duration);
const connections = positiveInteger("connections", options.connections);
const limit = Number(options.limit);
if (!(Number.isInteger(limit) && limit >= 0)) throw new Error("--limit must be a whole number (0: no limit)");

const dataDir = mkdtempSync(path.join(os.tmpdir(), "agora-bench-spread-"));
process.env.NODE_ENV = "production";
const app = await createApp(
  loadConfig({ DATABASE_URL: options.db, AGORA_DATA_DIR: dataDir, AGORA_UPLOADS_DIR: path.join(dataDir, "uploads"), AGORA_MODULE_PATHS: path.resolve(import.meta.dirname, "../modules"), AGORA_LOG_LEVEL: "warn" }),
);
const handle = app.koa.callback();

let recording = false;
const inApp: number[] = [];
const lags: number[] = [];
let active = 0;
const waiting: (() => void)[] = [];
const admit = (go: () => void) => {
  if (limit === 0 || active < limit) {
    active += 1;
    go();
  } else waiting.push(go);
};
const release = () => {
  active -= 1;
  const next = waiting.shift();
  if (next) admit(next);
};
const server = createServer((request, response) => {
  const arrived = performance.now();
  response.on("finish", () => recording && inApp.push(performance.now() - arrived));
  if (limit > 0) response.once("close", release);
  admit(() => void handle(request, response));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const session = new BenchSession(url);
await session.signIn(benchUser.username, benchUser.password);

let tick = performance.now();
const timer = setInterval(() => {
  const now = performance.now();
  if (recording) lags.push(now - tick - 1);
  tick = now;
}, 1);

/** autocannon in its own process, so that the client does not share the app's event loop. */
function load(seconds: number): Promise<string> {
  const args = ["autocannon", "--json", "-c", String(connections), "-d", String(seconds), "-H", `cookie=${session.cookieHeader}`, "-H", "accept=text/html", `${url}/`];
  return new Promise((resolve, reject) => {
    const child = spawn("npx", args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("error", reject);
    child.on("exit", () => resolve(out));
  });
}

const percentiles = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return [5, 50, 95, 99].map((p) => `p${p} ${sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))].toFixed(1)}`).join("  ");
};

await load(3);
recording = true;
const result = JSON.parse(await load(duration)) as { requests: { average: number }; latency: { p50: number; p97_5: number; p99: number } };
recording = false;
clearInterval(timer);
console.log(`dashboard, ${connections} connections, one worker${limit ? `, ${limit} request(s) at a time` : ""}: ${result.requests.average.toFixed(0)} req/s`);
console.log(`client latency ms:        p50 ${result.latency.p50}  p97.5 ${result.latency.p97_5}  p99 ${result.latency.p99}`);
console.log(`time in the app ms:       ${percentiles(inApp)}  (${inApp.length} requests)`);
console.log(`event loop lag ms:        ${percentiles(lags)}  max ${Math.max(...lags).toFixed(1)}`);
server.close();
await app.close();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
