import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import test from "ava";
import { run } from "./processes.ts";

// `.ci/run --check`: the prerequisites of the full suite, each said plainly when missing. Only run on a
// machine that already has every package and service, so the check installs and starts nothing.

function succeeds(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: "ignore", timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

const tools = ["python3", "make", "g++", "pg_ctlcluster", "redis-server", "redis-cli", "pg_isready", "psql", "ldapsearch"];
const missing = [
  ...tools.filter((tool) => !succeeds("sh", ["-c", `command -v ${tool}`])),
  ...["/usr/bin/chromium", "/usr/sbin/slapd", "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"].filter((file) => !existsSync(file)),
];
const servicesUp = missing.length === 0 && succeeds("pg_isready", ["-h", "127.0.0.1", "-p", "5432", "-q"]) && succeeds("redis-cli", ["-h", "127.0.0.1", "ping"]);
const whenReady = servicesUp ? test : test.skip;
if (!servicesUp) test.skip(`.ci/run --check not tried: ${missing.length ? `missing ${missing.join(", ")}` : "PostgreSQL or Redis is not running on this machine"}`, () => {});

const check = (databaseUrl: string) => run("bash", [".ci/run", "--check"], { AGORA_TEST_DATABASE_URL: databaseUrl });

whenReady("a PostgreSQL that does not answer stops the check with exit 1, saying where it looked (password hidden)", async (t) => {
  const result = await check("postgres://ci:hunter22@127.0.0.1:1/test");
  t.is(result.code, 1);
  t.regex(result.stderr, /PostgreSQL does not answer at postgres:\/\/ci:\*\*\*@127\.0\.0\.1:1\/test/);
  t.notRegex(result.stdout + result.stderr, /hunter22/);
  t.notRegex(result.stdout, /prerequisites ready/);
});

whenReady("a role PostgreSQL refuses stops the check with the server's reason", async (t) => {
  const result = await check("postgres://no_such_agora_role@127.0.0.1:5432/postgres");
  t.is(result.code, 1);
  t.regex(result.stderr, /PostgreSQL at postgres:\/\/no_such_agora_role@127\.0\.0\.1:5432\/postgres refused the connection: .*no_such_agora_role/);
});

// Needs a role known to work: the one the PostgreSQL run of the suite uses.
const testDatabaseUrl = process.env.AGORA_TEST_DATABASE_URL ?? "";
(testDatabaseUrl ? whenReady : test.skip)("Node.js, PostgreSQL and Redis all fine: the check says so and stops there (PostgreSQL run)", async (t) => {
  const result = await check(testDatabaseUrl);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, new RegExp(`--- Node\\.js ${process.versions.node.replace(/\./g, "\\.")} \\(package\\.json: `));
  t.regex(result.stdout, /\(may create databases\), Redis on 127\.0\.0\.1:6379/);
  t.regex(result.stdout, /--- prerequisites ready/);
  t.notRegex(result.stdout, /npm ci|npm test/, "--check runs no install and no suite");
});
