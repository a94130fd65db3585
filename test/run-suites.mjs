// Runs the ava suite on SQLite, then again on PostgreSQL when AGORA_TEST_DATABASE_URL is set (CI sets it).
// Test apps start from a migrated template made once per run (test/helpers/template.ts); this removes them after.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const args = process.argv.slice(2);
const postgresUrl = process.env.AGORA_TEST_DATABASE_URL;
const templateRun = randomBytes(4).toString("hex");
const runs = [{ name: "SQLite", env: { AGORA_TEST_DATABASE_URL: "" } }];
if (postgresUrl) runs.push({ name: "PostgreSQL", env: { AGORA_TEST_DATABASE_URL: postgresUrl } });

function removeTemplates() {
  // Same names as templatesOfRun in test/helpers/template.ts.
  for (const file of readdirSync(os.tmpdir())) {
    if (file.startsWith(`agora-template-${templateRun}-`)) rmSync(path.join(os.tmpdir(), file), { force: true });
  }
  if (!postgresUrl) return;
  const drop = `
    const pg = require("pg");
    const client = new pg.Client({ connectionString: process.argv[1] });
    client.connect()
      .then(() => client.query("SELECT datname FROM pg_database WHERE datname LIKE $1", [process.argv[2] + "%"]))
      .then(async ({ rows }) => { for (const { datname } of rows) await client.query("DROP DATABASE IF EXISTS " + datname + " WITH (FORCE)"); })
      .finally(() => client.end());`;
  spawnSync(process.execPath, ["-e", drop, postgresUrl, `agora_tmpl_${templateRun}_`], { stdio: "inherit" });
}

let failed = false;
try {
  for (const run of runs) {
    console.log(`\n=== ava on ${run.name} ===`);
    const result = spawnSync("npx", ["ava", ...args], { stdio: "inherit", env: { ...process.env, ...run.env, AGORA_TEST_TEMPLATE_RUN: templateRun } });
    if (result.status !== 0) {
      failed = true;
      console.error(`=== ${run.name}: FAILED ===`);
    }
  }
} finally {
  removeTemplates();
}
process.exit(failed ? 1 : 0);
