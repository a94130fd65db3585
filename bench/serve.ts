/**
 * The app under load, in its own process so the load generator does not share its event loop:
 * started by bench/load.ts, which reads the port from the IPC message. DATABASE_URL and AGORA_* come from the environment.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../config/index.ts";
import { createApp } from "../core/app.ts";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "agora-bench-serve-"));
const config = loadConfig({
  AGORA_DATA_DIR: dataDir,
  AGORA_UPLOADS_DIR: path.join(dataDir, "uploads"),
  AGORA_MODULE_PATHS: path.resolve(import.meta.dirname, "../modules"),
  ...process.env,
});
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
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("disconnect", stop);
