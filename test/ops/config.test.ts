import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { ConfigError, isLoopbackUrl, loadConfig } from "../../config/index.ts";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "agora-config-"));
test.after.always(() => rmSync(dataDir, { recursive: true, force: true }));

const load = (env: Record<string, string>) => loadConfig({ AGORA_DATA_DIR: dataDir, ...env });

test("defaults: port 3000, SQLite under the data dir, info logs, a generated 64-hex session secret", (t) => {
  const config = load({});
  t.is(config.port, 3000);
  t.is(config.databaseUrl, "");
  t.is(config.logLevel, "info");
  t.is(config.dataDir, dataDir);
  t.regex(config.sessionSecret, /^[0-9a-f]{64}$/);
  t.is(readFileSync(path.join(dataDir, "session-secret"), "utf8"), config.sessionSecret);
  t.is(load({}).sessionSecret, config.sessionSecret, "kept, not regenerated");
  t.false(config.isHttps);
  t.is(config.pgRandomPageCost, "1.1");
  t.is(load({ AGORA_PG_RANDOM_PAGE_COST: "server" }).pgRandomPageCost, "server");
  t.is(load({ AGORA_PG_RANDOM_PAGE_COST: " 2.5 " }).pgRandomPageCost, "2.5");
});

test("the base URL loses trailing slashes, so links are base URL + path", (t) => {
  t.is(load({ AGORA_BASE_URL: "https://social.example.test/agora//" }).baseUrl, "https://social.example.test/agora");
  t.is(load({ AGORA_BASE_URL: "https://social.example.test/" }).baseUrl, "https://social.example.test");
});

test("AGORA_* variables override the defaults and are converted", (t) => {
  const config = load({
    AGORA_PORT: "8080",
    DATABASE_URL: "postgres://agora@db:5432/agora",
    AGORA_LOG_LEVEL: "warn",
    AGORA_BASE_URL: "https://social.example.test",
    AGORA_TRUST_PROXY: "yes",
    AGORA_SESSION_SECRET: "s".repeat(40),
    AGORA_MODULE_PATHS: ["modules", "/opt/agora-modules"].join(path.delimiter),
  });
  t.is(config.port, 8080);
  t.is(config.databaseUrl, "postgres://agora@db:5432/agora");
  t.is(config.logLevel, "warn");
  t.true(config.isHttps);
  t.true(config.trustProxy);
  t.is(config.sessionSecret, "s".repeat(40));
  t.deepEqual(config.modulePaths, ["modules", "/opt/agora-modules"]);
});

const badSettings: [Record<string, string>, RegExp][] = [
  [{ AGORA_PORT: "abc" }, /AGORA_PORT \(abc\): must be a whole number/],
  [{ AGORA_PORT: "1e3" }, /AGORA_PORT \(1e3\): must be a whole number/],
  [{ AGORA_PORT: "70000" }, /AGORA_PORT \(70000\): must be at most 65535/],
  [{ DATABASE_URL: "mysql://root:s3cret@db/agora" }, /DATABASE_URL \(mysql:\/\/root:\*\*\*@db\/agora\): must be a URL starting with postgres:/],
  [{ AGORA_LOG_LEVEL: "loud" }, /AGORA_LOG_LEVEL \(loud\): must be one of fatal, error, warn/],
  [{ AGORA_SESSION_SECRET: "too-short" }, /AGORA_SESSION_SECRET \(hidden\): must be at least 32 characters/],
  [{ AGORA_ADMIN_EMAIL: "root@example.test" }, /AGORA_ADMIN_PASSWORD: must be at least 10 characters when AGORA_ADMIN_EMAIL is set/],
  [{ AGORA_ADMIN_EMAIL: "root@example.test", AGORA_ADMIN_PASSWORD: "short" }, /AGORA_ADMIN_PASSWORD: must be at least 10 characters/],
  [{ AGORA_ADMIN_EMAIL: "root" }, /AGORA_ADMIN_EMAIL \(root\): must be an e-mail address/],
  [{ AGORA_BASE_URL: "localhost:3000" }, /AGORA_BASE_URL \(localhost:3000\): must be a URL starting with http: or https:/],
  [{ AGORA_SMTP_URL: "http://mail" }, /AGORA_SMTP_URL \(http:\/\/mail\): must be a URL starting with smtp: or smtps:/],
  [{ AGORA_REDIS_URL: "localhost:6379" }, /AGORA_REDIS_URL \(localhost:6379\): must be a URL starting with redis: or rediss:/],
  [{ AGORA_TRUST_PROXY: "maybe" }, /AGORA_TRUST_PROXY \(maybe\): must be one of 1, 0, true, false, yes, no/],
  [{ AGORA_DEFAULT_LANGUAGE: "de" }, /AGORA_DEFAULT_LANGUAGE \(de\): must be one of en, fr/],
  [{ AGORA_SESSION_DAYS: "0" }, /AGORA_SESSION_DAYS \(0\): must be at least 1/],
  [{ AGORA_THEME: "../evil" }, /AGORA_THEME \(\.\.\/evil\): must be a theme folder name/],
  [{ AGORA_PG_RANDOM_PAGE_COST: "0" }, /AGORA_PG_RANDOM_PAGE_COST \(0\): must be a number above 0/],
  [{ AGORA_PG_RANDOM_PAGE_COST: "1e3" }, /AGORA_PG_RANDOM_PAGE_COST \(1e3\): must be a number above 0/],
  [{ AGORA_PG_RANDOM_PAGE_COST: "1.1; RESET ALL" }, /AGORA_PG_RANDOM_PAGE_COST \(1\.1; RESET ALL\): must be a number above 0/],
  [{ AGORA_PG_RANDOM_PAGE_COST: "5000" }, /AGORA_PG_RANDOM_PAGE_COST \(5000\): must be a number above 0 and at most 1000/],
];

for (const [env, message] of badSettings) {
  test(`rejects ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(" ")}`, (t) => {
    const error = t.throws(() => load(env), { instanceOf: ConfigError });
    t.regex(error.message, /^Invalid configuration:/);
    t.regex(error.message, message);
  });
}

test("every bad setting is reported at once", (t) => {
  const error = t.throws(() => load({ AGORA_PORT: "abc", AGORA_LOG_LEVEL: "loud" }), { instanceOf: ConfigError });
  t.regex(error.message, /AGORA_PORT/);
  t.regex(error.message, /AGORA_LOG_LEVEL/);
});

test("secrets never appear in the message", (t) => {
  const error = t.throws(() => load({ AGORA_SESSION_SECRET: "leaky-secret", DATABASE_URL: "mysql://root:leaky-password@db/x" }), { instanceOf: ConfigError });
  t.notRegex(error.message, /leaky/);
});

test("a data dir that cannot hold the session secret is a configuration error naming AGORA_DATA_DIR", (t) => {
  const file = path.join(dataDir, "not-a-directory");
  writeFileSync(file, "");
  const error = t.throws(() => loadConfig({ AGORA_DATA_DIR: file }), { instanceOf: ConfigError });
  t.regex(error.message, /AGORA_DATA_DIR \(.*not-a-directory\): cannot keep the generated session secret there/);
});

test("AGORA_WORKERS: one process by default, a whole number up to 64, or auto (one per CPU)", (t) => {
  t.is(load({}).workers, 1);
  t.is(load({ AGORA_WORKERS: "4" }).workers, 4);
  t.is(load({ AGORA_WORKERS: "auto" }).workers, Math.min(64, os.availableParallelism()));
  for (const bad of ["0", "65", "two", "1.5"]) {
    const error = t.throws(() => load({ AGORA_WORKERS: bad }), { instanceOf: ConfigError });
    t.regex(error!.message, /AGORA_WORKERS/);
  }
});

test("AGORA_SOURCE_MAPS: off by default (a stack trace per query is cheaper unmapped), on with 1", (t) => {
  t.is(load({}).sourceMaps, false);
  t.is(load({ AGORA_SOURCE_MAPS: "1" }).sourceMaps, true);
  const error = t.throws(() => load({ AGORA_SOURCE_MAPS: "maybe" }), { instanceOf: ConfigError });
  t.regex(error!.message, /AGORA_SOURCE_MAPS/);
});

test("AGORA_ENTRY_CACHE_MB: 64 by default, 0 turns the entry cache off, anything else is refused", (t) => {
  t.is(load({}).entryCacheMb, 64);
  t.is(load({ AGORA_ENTRY_CACHE_MB: "0" }).entryCacheMb, 0);
  t.is(load({ AGORA_ENTRY_CACHE_MB: "256" }).entryCacheMb, 256);
  for (const value of ["-1", "lots", "1.5"]) {
    const error = t.throws(() => load({ AGORA_ENTRY_CACHE_MB: value }), { instanceOf: ConfigError });
    t.regex(error!.message, /AGORA_ENTRY_CACHE_MB/);
  }
});

test("without AGORA_BASE_URL the base URL follows AGORA_PORT; set, it is kept as given", (t) => {
  t.is(load({}).baseUrl, "http://localhost:3000");
  t.true(load({}).isBaseUrlFromPort);
  const moved = load({ AGORA_PORT: "8081" });
  t.is(moved.baseUrl, "http://localhost:8081", "e-mailed links reach the port the server listens on");
  t.true(moved.isBaseUrlFromPort);
  const given = load({ AGORA_PORT: "8081", AGORA_BASE_URL: "https://social.example.test" });
  t.is(given.baseUrl, "https://social.example.test");
  t.false(given.isBaseUrlFromPort);
});

test("a base URL only this machine can open is told apart from a public one", (t) => {
  for (const local of ["http://localhost:3000", "http://LOCALHOST", "http://agora.localhost:8080", "http://127.0.0.1:3000", "http://127.8.9.1", "http://[::1]:3000", "http://0.0.0.0:3000", "http://[::]:3000"]) t.true(isLoopbackUrl(local), local);
  for (const reachable of ["https://social.example.test", "http://10.0.0.5:3000", "http://localhost.example.test", "http://127.example.test", "http://[2001:db8::1]"]) t.false(isLoopbackUrl(reachable), reachable);
});

test("AGORA_S3_*: unset, files stay on disk; a bucket turns S3 on, path style with an endpoint; bad values are named, the secret never shown", (t) => {
  t.is(load({}).objectStorage, null);
  t.is(load({ AGORA_S3_ENDPOINT: "http://127.0.0.1:9000" }).objectStorage, null, "no bucket, no S3");
  const minio = load({ AGORA_S3_BUCKET: "agora-files", AGORA_S3_ENDPOINT: "http://127.0.0.1:9000", AGORA_S3_ACCESS_KEY_ID: "key", AGORA_S3_SECRET_ACCESS_KEY: "s3-leaky-secret", AGORA_S3_PREFIX: "site/" });
  t.deepEqual(minio.objectStorage, { bucket: "agora-files", endpoint: "http://127.0.0.1:9000", region: "us-east-1", accessKeyId: "key", secretAccessKey: "s3-leaky-secret", forcePathStyle: true, prefix: "site/" });
  const aws = load({ AGORA_S3_BUCKET: "agora-files", AGORA_S3_REGION: "eu-west-3" }).objectStorage!;
  t.is(aws.forcePathStyle, false, "AWS itself: virtual-host style");
  t.is(aws.region, "eu-west-3");
  t.false(load({ AGORA_S3_BUCKET: "agora-files", AGORA_S3_ENDPOINT: "http://127.0.0.1:9000", AGORA_S3_FORCE_PATH_STYLE: "0" }).objectStorage!.forcePathStyle);
  const error = t.throws(() => load({ AGORA_S3_BUCKET: "Bad_Bucket", AGORA_S3_ENDPOINT: "ftp://x", AGORA_S3_PREFIX: "../", AGORA_S3_SECRET_ACCESS_KEY: "s3-leaky-secret" }), { instanceOf: ConfigError });
  for (const name of ["AGORA_S3_BUCKET", "AGORA_S3_ENDPOINT", "AGORA_S3_PREFIX"]) t.true(error.message.includes(name), name);
  t.false(error.message.includes("s3-leaky-secret"));
});
