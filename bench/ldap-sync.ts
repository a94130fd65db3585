/**
 * Times the directory sync of the test directory's 1,000 bench users (ou=bench, seeded by
 * test/ldap/slapd.sh) into an empty Agora: the first run creates them all, the second finds nothing to do.
 *
 *   test/ldap/slapd.sh && npx tsx bench/ldap-sync.ts [--db postgres://root@127.0.0.1:5432/test]
 *
 * With --db, a fresh PostgreSQL database is made next to the one named and dropped after; else SQLite in a temp dir.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import pino from "pino";
import { loadConfig } from "../config/index.ts";
import { openCore } from "../core/app.ts";
import { syncDirectory } from "../core/commands/ldap-sync.ts";
import { directoryFixture as fixture } from "../test/ldap/fixtures/directory.ts";

const { values } = parseArgs({ options: { db: { type: "string" }, url: { type: "string", default: "ldap://127.0.0.1:3389" } } });
const dataDir = mkdtempSync(path.join(os.tmpdir(), "agora-bench-ldap-"));
let dropDatabase = async () => {};
let databaseUrl = "";
if (values.db) {
  const name = `agora_bench_ldap_${process.pid}`;
  const admin = new pg.Client({ connectionString: values.db });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(values.db);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
  dropDatabase = async () => {
    const client = new pg.Client({ connectionString: values.db });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  };
}

const config = loadConfig({
  AGORA_DATA_DIR: dataDir,
  AGORA_UPLOADS_DIR: path.join(dataDir, "uploads"),
  AGORA_LOG_LEVEL: "warn",
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  AGORA_LDAP_URL: values.url!,
  AGORA_LDAP_BIND_DN: fixture.serviceDn,
  AGORA_LDAP_BIND_PASSWORD: fixture.servicePassword,
  AGORA_LDAP_BASE_DN: fixture.benchDn,
  AGORA_LDAP_USER_FILTER: "(&(objectClass=inetOrgPerson)(uid={{username}}))",
});
const logger = pino({ level: "warn" });
const core = await openCore(config, logger);
try {
  for (const run of ["first (creates)", "second (no change)"]) {
    const started = performance.now();
    const report = await syncDirectory({ config, logger, sequelize: core.sequelize, registry: core.registry });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (report.failure) throw new Error(`sync failed: ${report.failure.kind}: ${report.failure.detail}`);
    console.log(`${run}: ${seconds} s — read ${report.seen}, created ${report.created}, updated ${report.updated}, disabled ${report.disabled}, unchanged ${report.unchanged}, errors ${report.errors} (${databaseUrl ? "PostgreSQL" : "SQLite"})`);
  }
} finally {
  await core.sequelize.close();
  await dropDatabase();
  rmSync(dataDir, { recursive: true, force: true });
}
