import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import { AsyncLocalStorage } from "node:async_hooks";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { loadConfig, type Config } from "../../config/index.ts";
import { createApp, type AgoraApp } from "../../core/app.ts";
import { createAccount } from "../../core/commands/user-creator.ts";
import type { InstanceRole, UserStatus } from "../../core/models/user.ts";
import { Client } from "./client.ts";
import { createPostgresDatabase, isPostgres } from "./database.ts";
import { copySqliteTemplate, postgresTemplate, templateRun } from "./template.ts";
import type { TestBucket } from "./s3.ts";

/**
 * The suite's storage switch: with AGORA_TEST_S3=1 (npm test runs the documents files once more so), every app
 * a test starts keeps its files in an S3-compatible bucket on loopback instead of its uploads dir.
 */
export const usesS3 = process.env.AGORA_TEST_S3 === "1";

export const fixtureModules = path.resolve(import.meta.dirname, "../fixtures/modules");

export interface TestApp {
  app: AgoraApp;
  config: Config;
  url: string;
  client(): Client;
  /** A signed-in client for a new account with this role. */
  signedIn(role?: InstanceRole, overrides?: Partial<TestAccount>): Promise<{ client: Client; account: TestAccount; userId: number }>;
  createUser(overrides?: Partial<TestAccount> & { status?: UserStatus }): Promise<{ account: TestAccount; userId: number }>;
  /** The S3-compatible server the app stores its files in, when the suite runs with AGORA_TEST_S3=1 (helpers/s3.ts). */
  bucket: TestBucket | null;
  close(): Promise<void>;
}

export interface TestAccount {
  email: string;
  password: string;
  displayName: string;
  role: InstanceRole;
}

/** The SQL statements of the request being handled, when a test listens (see helpers/queries.ts). */
export const requestScope = new AsyncLocalStorage<string[]>();

let counter = 0;
let openApp: string | null = null;

/**
 * Starts a real Agora on a random port with its own data dir and database (SQLite file, or a fresh
 * PostgreSQL database when AGORA_TEST_DATABASE_URL is set). `env` takes the same AGORA_* names as production.
 */
export async function startApp(env: Record<string, string> = {}, options: { setup?: boolean } = { setup: true }): Promise<TestApp> {
  // Models are bound process-wide (one app per process, as in production), so apps in one test file take turns.
  if (openApp) throw new Error(`another test app is still open (${openApp}); close it first or use one app per file`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "agora-test-"));
  const modulePaths = env.AGORA_MODULE_PATHS ?? ["modules", fixtureModules].join(path.delimiter);
  // Within a suite run (test/run-suites.mjs) an app starts from a migrated copy, unless the test names its own database.
  const fromTemplate = templateRun !== "" && env.DATABASE_URL === undefined;
  if (fromTemplate && !isPostgres) await copySqliteTemplate(modulePaths, path.join(dataDir, "agora.sqlite"));
  const database = isPostgres && env.DATABASE_URL === undefined ? await createPostgresDatabase(fromTemplate ? await postgresTemplate(modulePaths) : undefined) : null;
  // AGORA_TEST_S3=1: files go to a bucket on loopback (s3rver), unless the test points the app at its own.
  const bucket = usesS3 && !env.AGORA_S3_BUCKET ? await (await import("./s3.ts")).startBucket() : null;
  const config = loadConfig({
    AGORA_DATA_DIR: dataDir,
    AGORA_UPLOADS_DIR: path.join(dataDir, "uploads"),
    AGORA_LOG_LEVEL: process.env.AGORA_TEST_LOG_LEVEL ?? "silent",
    AGORA_MODULE_PATHS: modulePaths,
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...(options.setup ? { AGORA_ADMIN_EMAIL: "admin@example.test", AGORA_ADMIN_PASSWORD: "admin-password-1", AGORA_ADMIN_NAME: "Ada Admin" } : {}),
    ...(bucket?.env ?? {}),
    ...env,
  });
  // An app that fails to start leaves no S3 server behind (it would keep the test's process alive).
  const app = await createApp(config, pino({ level: config.logLevel })).catch(async (error: unknown) => {
    await bucket?.close();
    throw error;
  });
  const handle = app.koa.callback();
  // Each request runs in its own async scope, so a test can count the SQL one request runs (helpers/queries.ts).
  const server: Server = await new Promise((resolve) => {
    const listening = createServer((request, response) => requestScope.run([], () => handle(request, response))).listen(0, "127.0.0.1", () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  openApp = url;

  const createUser: TestApp["createUser"] = async (overrides = {}) => {
    counter += 1;
    const account: TestAccount = {
      email: `user${counter}-${process.pid}@example.test`,
      password: "correct-horse-battery",
      displayName: `Test User ${counter}`,
      role: "member",
      ...overrides,
    };
    const user = await createAccount({ ...account, status: overrides.status ?? "active" });
    return { account, userId: user.id };
  };

  return {
    app,
    config,
    url,
    client: () => new Client(url),
    createUser,
    bucket,
    async signedIn(role = "member", overrides = {}) {
      const { account, userId } = await createUser({ role, ...overrides });
      const client = new Client(url);
      await client.login(account.email, account.password);
      return { client, account, userId };
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections?.();
      await app.close();
      await database?.drop();
      await bucket?.close();
      rmSync(dataDir, { recursive: true, force: true });
      openApp = null;
    },
  };
}

export const adminAccount = { email: "admin@example.test", password: "admin-password-1" };
