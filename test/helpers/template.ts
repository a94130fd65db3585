import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import { loadConfig } from "../../config/index.ts";
import { createApp } from "../../core/app.ts";
import { createPostgresDatabase, isPostgres, testDatabaseUrl } from "./database.ts";

/**
 * A migrated, empty database that test apps start from, made once per suite run and set of module paths. A
 * fresh app otherwise spends almost all of its start running every core and module migration (2.7 s against
 * 0.1 s on a migrated SQLite file, measured on a loaded machine), and the suite starts a few hundred apps.
 *
 * test/run-suites.mjs turns it on by naming the run in AGORA_TEST_TEMPLATE_RUN and removes the run's templates at
 * the end (templatesOfRun); a file run alone with `npx ava` migrates from scratch, so a migration being written
 * is always run. Within one run the code cannot change, so a template never goes stale.
 */
export const templateRun = /^[a-z0-9]{1,16}$/.test(process.env.AGORA_TEST_TEMPLATE_RUN ?? "") ? process.env.AGORA_TEST_TEMPLATE_RUN! : "";

/** The templates of a run: SQLite files in the temp dir, and PostgreSQL databases named with this prefix. */
export const templatesOfRun = (run: string) => ({ filePrefix: path.join(os.tmpdir(), `agora-template-${run}-`), databasePrefix: `agora_tmpl_${run}_` });

const keyOf = (modulePaths: string) => createHash("sha256").update(modulePaths).digest("hex").slice(0, 12);

/** Starts and stops an app on this database, leaving it migrated and set up as at a first start without an administrator. */
async function migrateInto(modulePaths: string, database: Record<string, string>, dataDir: string) {
  const config = loadConfig({
    AGORA_DATA_DIR: dataDir,
    AGORA_UPLOADS_DIR: path.join(dataDir, "uploads"),
    AGORA_LOG_LEVEL: "silent",
    AGORA_MODULE_PATHS: modulePaths,
    ...database,
  });
  const app = await createApp(config, pino({ level: "silent" }));
  await app.close();
}

/** A copy of the run's SQLite template in `file`, making the template first if this is its first use. */
export async function copySqliteTemplate(modulePaths: string, file: string) {
  const { filePrefix } = templatesOfRun(templateRun);
  const template = `${filePrefix}${keyOf(modulePaths)}.sqlite`;
  if (!existsSync(template)) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "agora-template-build-"));
    try {
      const built = path.join(dataDir, "agora.sqlite");
      await migrateInto(modulePaths, { DATABASE_URL: `sqlite:${built}` }, dataDir);
      // Two test files may build at once: each renames its own finished file, and either one is right.
      renameSync(built, template);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  copyFileSync(template, file);
}

async function adminQuery<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []) {
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    return await admin.query<T>(sql, values);
  } finally {
    await admin.end();
  }
}

/** The name of the run's PostgreSQL template database, making it first if this is its first use. */
export async function postgresTemplate(modulePaths: string): Promise<string> {
  if (!isPostgres) throw new Error("postgresTemplate needs AGORA_TEST_DATABASE_URL");
  const name = `${templatesOfRun(templateRun).databasePrefix}${keyOf(modulePaths)}`;
  const known = await adminQuery("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (known.rowCount) return name;
  const database = await createPostgresDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "agora-template-build-"));
  try {
    await migrateInto(modulePaths, { DATABASE_URL: database.url }, dataDir);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const built = new URL(database.url).pathname.slice(1);
  try {
    await adminQuery(`ALTER DATABASE ${built} RENAME TO ${name}`);
  } catch (error) {
    // Another test file made it first (duplicate_database): use theirs.
    if ((error as { code?: string }).code !== "42P04") throw error;
    await database.drop();
  }
  return name;
}
