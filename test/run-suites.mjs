// Runs the ava suite on SQLite, then again on PostgreSQL when AGORA_TEST_DATABASE_URL is set (CI sets it),
// then the documents module's files once more with their files in an S3-compatible bucket (AGORA_TEST_S3=1:
// s3rver on loopback, see test/helpers/app.ts), on SQLite. Only those: where files are kept matters there,
// and the S3 adapter's core part has its own test (test/attachments/s3-storage.test.ts) in the main run.
// Test apps start from a migrated template made once per run (test/helpers/template.ts); this removes them after.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const args = process.argv.slice(2);
const postgresUrl = process.env.AGORA_TEST_DATABASE_URL;
const templateRun = randomBytes(4).toString("hex");
const runs = [{ name: "SQLite", env: { AGORA_TEST_DATABASE_URL: "" }, args }];
if (postgresUrl) runs.push({ name: "PostgreSQL", env: { AGORA_TEST_DATABASE_URL: postgresUrl }, args });
// A full run only (files named on the command line are run as asked). Not again: the files on a bucket
// already (*s3*) and the browser tests (their uploads are the pages' own, tested above; they are the slow ones).
if (args.length === 0) {
  const documents = readdirSync("modules/documents/test")
    .filter((name) => name.endsWith(".test.ts") && !/s3|browser/.test(name))
    .map((name) => `modules/documents/test/${name}`);
  runs.push({ name: "SQLite, documents on S3", env: { AGORA_TEST_DATABASE_URL: "", AGORA_TEST_S3: "1" }, args: documents });
}

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
    const result = spawnSync("npx", ["ava", ...run.args], { stdio: "inherit", env: { ...process.env, ...run.env, AGORA_TEST_TEMPLATE_RUN: templateRun } });
    if (result.status !== 0) {
      failed = true;
      console.error(`=== ${run.name}: FAILED ===`);
    }
  }
} finally {
  removeTemplates();
}
process.exit(failed ? 1 : 0);
