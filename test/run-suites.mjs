// Runs the ava suite on SQLite, then again on PostgreSQL when AGORA_TEST_DATABASE_URL is set (CI sets it).
import { spawnSync } from "node:child_process";

const args = process.argv.slice(2);
const postgresUrl = process.env.AGORA_TEST_DATABASE_URL;
const runs = [{ name: "SQLite", env: { AGORA_TEST_DATABASE_URL: "" } }];
if (postgresUrl) runs.push({ name: "PostgreSQL", env: { AGORA_TEST_DATABASE_URL: postgresUrl } });

let failed = false;
for (const run of runs) {
  console.log(`\n=== ava on ${run.name} ===`);
  const result = spawnSync("npx", ["ava", ...args], { stdio: "inherit", env: { ...process.env, ...run.env } });
  if (result.status !== 0) {
    failed = true;
    console.error(`=== ${run.name}: FAILED ===`);
  }
}
process.exit(failed ? 1 : 0);
