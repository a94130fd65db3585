/**
 * CPU of one stream-page read, three ways, on a generated instance: Sequelize's query with the model (what
 * modelRows did before), modelRows (on SQLite: a kept statement with bound values and our row reading,
 * core/db/sqlite-model-rows.ts), and the SQLite driver alone (a fresh statement each time, rows unconverted).
 * The statement is the dashboard's: the newest 21 live contents of 70 streams.
 *
 *   npx tsx bench/model-rows.ts --db sqlite:/tmp/agora-bench.sqlite [--runs 2000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { QueryTypes, type QueryOptionsWithModel } from "sequelize";
import { loadConfig } from "../config/index.ts";
import { createApp } from "../core/app.ts";
import { modelRows } from "../core/db/model-rows.ts";
import { Content } from "../core/models/content.ts";
import { positiveInteger, readOptions } from "./lib/options.ts";

const options = readOptions("npx tsx bench/model-rows.ts --db sqlite:/path/file.sqlite|postgres://... [--runs 2000]", { db: undefined, runs: "2000" });
const runs = positiveInteger("runs", options.runs);
const dataDir = mkdtempSync(path.join(os.tmpdir(), "agora-bench-rows-"));
process.env.NODE_ENV = "production";
const app = await createApp(
  loadConfig({ DATABASE_URL: options.db, AGORA_DATA_DIR: dataDir, AGORA_UPLOADS_DIR: path.join(dataDir, "uploads"), AGORA_MODULE_PATHS: path.resolve(import.meta.dirname, "../modules"), AGORA_LOG_LEVEL: "warn" }),
);
const sequelize = app.sequelize;
const keys = (await sequelize.query<{ key: string }>("SELECT DISTINCT stream_key AS key FROM contents ORDER BY stream_key LIMIT 70", { type: QueryTypes.SELECT })).map((row) => row.key);
const sql = "SELECT * FROM contents WHERE stream_key IN (:keys) AND deleted_at IS NULL AND hidden_at IS NULL ORDER BY sort_at DESC, id DESC LIMIT 21";
const replacements = { keys };

async function measure(name: string, read: () => Promise<unknown[]>) {
  for (let run = 0; run < Math.min(200, runs); run += 1) await read();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let rows = 0;
  for (let run = 0; run < runs; run += 1) rows = (await read()).length;
  const used = process.cpuUsage(cpu);
  console.log(`${name.padEnd(34)} ${((performance.now() - started) / runs).toFixed(3)} ms wall  ${((used.user + used.system) / 1000 / runs).toFixed(3)} ms CPU  (${rows} rows)`);
}

console.log(`${runs} reads of the newest 21 contents of ${keys.length} streams (${sequelize.getDialect()})`);
for (let round = 1; round <= 2; round += 1) {
  await measure("Sequelize query with the model", () =>
    sequelize.query(sql, { replacements, model: Content, mapToModel: true, tableNames: ["contents"] } as QueryOptionsWithModel<Content>),
  );
  await measure("modelRows", () => modelRows(Content, sql, replacements));
  if (sequelize.getDialect() === "sqlite") {
    const manager = sequelize.connectionManager as unknown as { getConnection(options: object): Promise<{ all(sql: string, callback: (error: Error | null, rows: unknown[]) => void): void }> };
    const connection = await manager.getConnection({});
    const statement = sql.replace(":keys", keys.map((key) => sequelize.escape(key)).join(", "));
    await measure("SQLite driver alone (Database#all)", () => new Promise((resolve, reject) => connection.all(statement, (error, rows) => (error ? reject(error) : resolve(rows)))));
  }
}
await app.close();
rmSync(dataDir, { recursive: true, force: true });
