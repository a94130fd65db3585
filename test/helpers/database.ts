import { randomBytes } from "node:crypto";
import test from "ava";
import pg from "pg";

/** Set by .ci/run: the suite runs again on this PostgreSQL server, one fresh database per app. */
export const testDatabaseUrl = process.env.AGORA_TEST_DATABASE_URL ?? "";

export const isPostgres = testDatabaseUrl.startsWith("postgres");

/**
 * For a file whose every test is about PostgreSQL: on SQLite ava lists them as skipped (a file with no
 * test at all is an error to ava), never as passed.
 */
export const postgresOnlyTest = isPostgres ? test.serial : test.serial.skip;

/** A new, empty database, or a copy of `template` (a migrated one, see helpers/template.ts). */
export async function createPostgresDatabase(template?: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `agora_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
        break;
      } catch (error) {
        // A template being copied by another file at that instant (object_in_use): try again shortly.
        if (!template || (error as { code?: string }).code !== "55006" || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  } finally {
    await admin.end();
  }
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: testDatabaseUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
