/**
 * The app under load, in its own process so the load generator does not share its event loop:
 * started by bench/load.ts, which reads the port from the IPC message. DATABASE_URL and AGORA_* come from the environment.
 * With AGORA_WORKERS > 1 this process is the primary of that many workers (core/cluster/supervisor.ts, as
 * `npm start` runs them), and answers load.ts for all of them.
 */
import cluster from "node:cluster";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../config/index.ts";
import { createApp, createLogger } from "../core/app.ts";
import { superviseWorkers } from "../core/cluster/supervisor.ts";

if (cluster.isPrimary && Number(process.env.AGORA_WORKERS ?? 1) > 1) await runPrimary();

async function runPrimary(): Promise<never> {
  // The workers share one data dir: the session secret generated here signs every worker's cookies.
  const sharedDir = mkdtempSync(path.join(os.tmpdir(), "agora-bench-serve-"));
  process.env.AGORA_DATA_DIR = sharedDir;
  process.env.AGORA_UPLOADS_DIR = path.join(sharedDir, "uploads");
  const config = loadConfig({ AGORA_MODULE_PATHS: path.resolve(import.meta.dirname, "../modules"), ...process.env });
  process.env.AGORA_MODULE_PATHS = config.modulePaths.join(path.delimiter);
  // The first worker's answer names the modules it serves.
  const firstAnswer = new Promise<{ modules: string[] }>((resolve) => {
    const listener = (_worker: unknown, message: { modules?: string[] }) => {
      if (!Array.isArray(message?.modules)) return;
      cluster.off("message", listener);
      resolve({ modules: message.modules });
    };
    cluster.on("message", listener);
  });
  const supervisor = await superviseWorkers(config, createLogger(config), (code) => process.exit(code));
  const workers = () => Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
  const ask = <T>(question: string, field: string) =>
    Promise.all(
      workers().map(
        (worker) =>
          new Promise<T>((resolve) => {
            const listener = (message: Record<string, T>) => {
              if (message?.[field] === undefined) return;
              worker.off("message", listener);
              resolve(message[field]);
            };
            worker.on("message", listener);
            worker.send(question);
          }),
      ),
    );
  process.send?.({ port: supervisor.port, modules: [...(await firstAnswer).modules, `${config.workers} workers`] });
  process.on("message", async (message) => {
    if (message === "cpu") {
      const used = [process.cpuUsage(), ...(await ask<NodeJS.CpuUsage>("cpu", "cpu"))];
      process.send?.({ cpu: { user: used.reduce((sum, cpu) => sum + cpu.user, 0), system: used.reduce((sum, cpu) => sum + cpu.system, 0) } });
    }
    if (message === "idle") {
      await ask("idle", "idle");
      process.send?.({ idle: true });
    }
  });
  const stop = () => supervisor.stop().then(() => {
    rmSync(sharedDir, { recursive: true, force: true });
    process.exit(0);
  });
  process.on("SIGTERM", stop);
  process.on("disconnect", stop);
  return new Promise<never>(() => undefined);
}

// A worker uses its primary's data dir (and leaves it for the primary to remove).
const dataDir = cluster.isWorker ? process.env.AGORA_DATA_DIR! : mkdtempSync(path.join(os.tmpdir(), "agora-bench-serve-"));
const config = loadConfig({
  AGORA_DATA_DIR: dataDir,
  AGORA_UPLOADS_DIR: path.join(dataDir, "uploads"),
  AGORA_MODULE_PATHS: path.resolve(import.meta.dirname, "../modules"),
  ...process.env,
});
process.setSourceMapsEnabled(config.sourceMaps); // as core/server.ts does
const app = await createApp(config);
const handle = app.koa.callback();
// Requests still running when the load stops (their clients gone) must finish before the database closes under them.
let inFlight = 0;
const server = createServer(async (request, response) => {
  inFlight += 1;
  try {
    await handle(request, response);
  } finally {
    inFlight -= 1;
  }
});
server.listen(0, "127.0.0.1", () => {
  process.send?.({ port: (server.address() as AddressInfo).port, modules: app.registry.list().map((module) => `${module.id}:${module.isEnabled ? "on" : "off"}`) });
});

// load.ts asks for the CPU time used around each run: CPU per request holds even when the machine is busy.
// Before the next page, load.ts waits until requests left over from the last run are done.
process.on("message", async (message) => {
  if (message === "cpu") process.send?.({ cpu: process.cpuUsage() });
  if (message === "idle") {
    while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    process.send?.({ idle: true });
  }
});

let isStopping = false;
async function stop() {
  if (isStopping) return;
  isStopping = true;
  server.close();
  server.closeIdleConnections();
  for (let waited = 0; inFlight > 0 && waited < 30_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  await app.close();
  if (!cluster.isWorker) rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("disconnect", stop);
