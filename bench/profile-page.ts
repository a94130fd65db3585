/**
 * Where a page's time goes: starts the app in this process on a generated instance, signs in as "bench",
 * requests one path N times one after another, and prints wall and CPU ms per request; with --profile FILE
 * it also records a V8 CPU profile of those requests and prints the self time per source file and per function.
 *
 *   npx tsx bench/profile-page.ts --db sqlite:/tmp/agora-bench.sqlite [--path /] [--requests 200] [--profile /tmp/dashboard.cpuprofile]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { Session } from "node:inspector/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../config/index.ts";
import { createApp } from "../core/app.ts";
import { benchUser } from "./lib/people.ts";
import { positiveInteger, readOptions } from "./lib/options.ts";
import { BenchSession } from "./lib/session.ts";

const usage = "npx tsx bench/profile-page.ts --db sqlite:/path/file.sqlite|postgres://... [--path /] [--requests 200] [--warmup 20] [--profile out.cpuprofile]";
const options = readOptions(usage, { db: undefined, path: "/", requests: "200", warmup: "20", profile: "" });
const requests = positiveInteger("requests", options.requests);
const warmup = Number(options.warmup);

const dataDir = mkdtempSync(path.join(os.tmpdir(), "agora-bench-profile-"));
process.env.NODE_ENV = "production";
const config = loadConfig({
  DATABASE_URL: options.db,
  AGORA_DATA_DIR: dataDir,
  AGORA_UPLOADS_DIR: path.join(dataDir, "uploads"),
  AGORA_MODULE_PATHS: path.resolve(import.meta.dirname, "../modules"),
  AGORA_LOG_LEVEL: "warn",
  AGORA_SOURCE_MAPS: process.env.AGORA_SOURCE_MAPS ?? "0",
  // On by default, as on a server: AGORA_ENTRY_CACHE_MB=0 profiles pages rendered from scratch.
  AGORA_ENTRY_CACHE_MB: process.env.AGORA_ENTRY_CACHE_MB,
});
process.setSourceMapsEnabled(config.sourceMaps); // as core/server.ts does
const app = await createApp(config);
const server = createServer(app.koa.callback());
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const session = new BenchSession(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
await session.signIn(benchUser.username, benchUser.password);

async function run(count: number) {
  for (let index = 0; index < count; index += 1) {
    const response = await session.request("GET", options.path);
    if (response.status !== 200) throw new Error(`${options.path} answered ${response.status}`);
  }
}

await run(warmup);
const inspector = new Session();
if (options.profile) {
  inspector.connect();
  await inspector.post("Profiler.enable");
  await inspector.post("Profiler.setSamplingInterval", { interval: 200 });
  await inspector.post("Profiler.start");
}
const cpuBefore = process.cpuUsage();
const startedAt = performance.now();
await run(requests);
const wall = (performance.now() - startedAt) / requests;
const cpu = process.cpuUsage(cpuBefore);
console.log(`${options.path}: ${requests} requests, ${wall.toFixed(1)} ms wall, ${((cpu.user + cpu.system) / 1000 / requests).toFixed(1)} ms CPU per request (this process, client included)`);

if (options.profile) {
  const { profile } = await inspector.post("Profiler.stop");
  writeFileSync(options.profile, JSON.stringify(profile));
  printSelfTimes(profile);
}
server.close();
await app.close();
rmSync(dataDir, { recursive: true, force: true });

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Self time per file and per function, from the profile's samples, in ms per request. */
function printSelfTimes(profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] }) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const files = new Map<string, number>();
  const functions = new Map<string, number>();
  (profile.samples ?? []).forEach((id, index) => {
    const { callFrame } = byId.get(id)!;
    const micros = profile.timeDeltas?.[index] ?? 0;
    const file = callFrame.url.replace(/^file:\/\//, "").replace(/.*node_modules\//, "npm:").replace(process.cwd() + "/", "") || "(native)";
    files.set(file, (files.get(file) ?? 0) + micros);
    const name = `${callFrame.functionName || "(anonymous)"} ${file}:${callFrame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
  });
  const top = (totals: Map<string, number>, count: number) =>
    [...totals].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, micros]) => `  ${(micros / 1000 / requests).toFixed(2).padStart(7)} ms  ${name}`).join("\n");
  console.log(`self time per file (ms per request):\n${top(files, 25)}\nself time per function:\n${top(functions, 35)}`);
}
