/**
 * Why is a page slow? Runs one page in-process as the bench user, records every SQL statement it sends,
 * then times each SELECT alone (median of 5) and prints the slowest with their plans
 * (EXPLAIN QUERY PLAN on SQLite, EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL).
 *
 *   npx tsx bench/explain.ts --db sqlite:/tmp/agora-bench.sqlite [--path /] [--top 5] [--grep "ORDER BY sort_at"] [--order 1]
 *
 * --order 1 first lists every statement of the page in the order it ran (one line each). On SQLite it also
 * counts the calls that reached the driver (Sequelize's logging does not show its own PRAGMA lookups).
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { QueryTypes } from "sequelize";
import sqlite3 from "sqlite3";
import { loadConfig } from "../config/index.ts";
import { createApp } from "../core/app.ts";
import { benchUser } from "./lib/people.ts";
import { positiveInteger, readOptions } from "./lib/options.ts";
import { BenchSession } from "./lib/session.ts";

const options = readOptions("npx tsx bench/explain.ts --db sqlite:/path/file.sqlite|postgres://... [--path /] [--top 5] [--grep text] [--order 1]", { db: undefined, path: "/", top: "5", grep: "", order: "" });
const top = positiveInteger("top", options.top);
// Counted from before the app opens its connections, so they all go through this.
let driverCalls = 0;
for (const method of ["all", "run", "get", "exec"] as const) {
  const original = sqlite3.Database.prototype[method] as (...args: unknown[]) => unknown;
  (sqlite3.Database.prototype as unknown as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
    driverCalls += 1;
    return original.apply(this, args);
  };
}
const dataDir = mkdtempSync(path.join(os.tmpdir(), "agora-bench-explain-"));
const app = await createApp(loadConfig({ DATABASE_URL: options.db, AGORA_DATA_DIR: dataDir, AGORA_LOG_LEVEL: "warn", AGORA_MODULE_PATHS: path.resolve(import.meta.dirname, "../modules"), AGORA_ENTRY_CACHE_MB: process.env.AGORA_ENTRY_CACHE_MB }));
const server = app.koa.listen(0, "127.0.0.1");
const isPostgres = app.sequelize.getDialect() === "postgres";

async function timeAlone(sql: string) {
  const times: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const startedAt = performance.now();
    await app.sequelize.query(sql, { type: QueryTypes.SELECT });
    times.push(performance.now() - startedAt);
  }
  return times.sort((a, b) => a - b)[2];
}

async function plan(sql: string) {
  const rows = await app.sequelize.query<Record<string, unknown>>(`${isPostgres ? "EXPLAIN (ANALYZE, BUFFERS)" : "EXPLAIN QUERY PLAN"} ${sql}`, { type: QueryTypes.SELECT });
  const lines = rows.map((row) => `    ${isPostgres ? row["QUERY PLAN"] : `${"  ".repeat(Number(row.parent) ? 1 : 0)}${row.detail}`}`);
  // A UNION ALL of 20 probes repeats the same plan 20 times: the head and the totals say enough.
  return lines.length > 40 ? [...lines.slice(0, 30), `    … ${lines.length - 33} more lines …`, ...lines.slice(-3)].join("\n") : lines.join("\n");
}

try {
  await new Promise((resolve) => server.once("listening", resolve));
  const session = new BenchSession(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await session.signIn(benchUser.username, benchUser.password);
  await session.request("GET", options.path);
  const statements: string[] = [];
  const sequelizeOptions = (app.sequelize as unknown as { options: { logging?: unknown } }).options;
  sequelizeOptions.logging = (sql: string) => statements.push(sql.replace(/^Execut(?:ed|ing) \([^)]*\): /, ""));
  const startedAt = performance.now();
  const callsBefore = driverCalls;
  const response = await session.request("GET", options.path);
  const pageDriverCalls = driverCalls - callsBefore;
  const pageMs = performance.now() - startedAt;
  sequelizeOptions.logging = false;
  if (response.status !== 200) throw new Error(`${options.path}: status ${response.status}`);

  if (options.order) statements.forEach((sql, index) => console.log(`${String(index + 1).padStart(3)}. ${sql.replace(/\s+/g, " ").slice(0, 160)}`));
  const selects = statements.filter((sql) => /^\s*SELECT/i.test(sql));
  const timed = [];
  for (const sql of selects) timed.push({ sql, ms: await timeAlone(sql) });
  const sqlMs = timed.reduce((sum, entry) => sum + entry.ms, 0);
  const driverNote = isPostgres ? "" : `, ${pageDriverCalls} calls to the SQLite driver`;
  console.log(`${options.path}: ${pageMs.toFixed(1)} ms for the page, ${statements.length} statements (${selects.length} SELECTs, ${sqlMs.toFixed(1)} ms when run alone${driverNote})\n`);
  const shown = timed.filter((entry) => entry.sql.includes(options.grep)).sort((a, b) => b.ms - a.ms);
  for (const { sql, ms } of shown.slice(0, top)) {
    console.log(`${ms.toFixed(2)} ms  ${sql.replace(/\s+/g, " ").slice(0, 600)}\n${await plan(sql)}\n`);
  }
} finally {
  server.close();
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
