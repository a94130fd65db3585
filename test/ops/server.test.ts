import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import test from "ava";
import { Client } from "../helpers/client.ts";
import { agora, freshInstance, logEntries, startServer, type Instance, type RunningServer } from "./processes.ts";

const admin = { AGORA_ADMIN_EMAIL: "ops-admin@example.test", AGORA_ADMIN_PASSWORD: "ops-admin-password", AGORA_ADMIN_NAME: "Ops Admin" };

let instance: Instance;
let server: RunningServer | null = null;
let signedInAdmin: Client;

test.before(async () => {
  instance = await freshInstance(admin);
  const enabled = await agora(["module:enable", "fixture-notes"], instance.env);
  if (enabled.code !== 0) throw new Error(`module:enable failed: ${enabled.stderr}`);
  server = await startServer(instance.env);
});
test.after.always(async () => {
  if (server && server.child.exitCode === null) await server.stop();
  await instance?.remove();
});

test.serial("GET /healthz answers 200 when the database answers; other methods get 405", async (t) => {
  const health = await fetch(`${server!.url}/healthz`);
  t.is(health.status, 200);
  t.is(health.headers.get("cache-control"), "no-store");
  t.deepEqual(await health.json(), { status: "ok", database: "ok" });
  const post = await fetch(`${server!.url}/healthz`, { method: "POST" });
  t.is(post.status, 405);
});

test.serial("each request gets an id, echoed in X-Request-Id and logged as one JSON line", async (t) => {
  const generated = await fetch(`${server!.url}/login`);
  const generatedId = generated.headers.get("x-request-id") ?? "";
  t.regex(generatedId, /^[0-9a-f-]{36}$/);
  const traced = await fetch(`${server!.url}/login`, { headers: { "x-request-id": "ops-trace-0001" } });
  t.is(traced.headers.get("x-request-id"), "ops-trace-0001");
  const forged = await fetch(`${server!.url}/login`, { headers: { "x-request-id": "bad id\u00e9" } });
  t.not(forged.headers.get("x-request-id"), "bad id\u00e9");

  await new Promise((resolve) => setTimeout(resolve, 100));
  const entries = logEntries(server!.lines);
  t.true(entries.every((entry) => typeof entry.level === "number" && typeof entry.time === "number" && typeof entry.msg === "string"));
  for (const requestId of [generatedId, "ops-trace-0001"]) {
    const entry = entries.find((e) => e.requestId === requestId);
    t.like(entry, { msg: "request", method: "GET", path: "/login", status: 200 });
  }
});

test.serial("a fresh data dir gets a private generated session secret", async (t) => {
  const file = path.join(instance.dataDir, "session-secret");
  t.regex(readFileSync(file, "utf8"), /^[0-9a-f]{64}$/);
  t.is(statSync(file).mode & 0o077, 0, "only the owner may read it");
  signedInAdmin = new Client(server!.url);
  await signedInAdmin.login(admin.AGORA_ADMIN_EMAIL, admin.AGORA_ADMIN_PASSWORD);
  t.is((await signedInAdmin.get("/admin")).status, 200);
});

test.serial("SIGTERM: in-flight requests finish, new connections are refused, the process exits 0", async (t) => {
  const running = server!;
  const slow = fetch(`${running.url}/fixture-notes/slow?ms=800`).then(async (response) => ({ status: response.status, text: await response.text() }));
  // Let the slow request reach the server before the signal.
  await new Promise((resolve) => setTimeout(resolve, 250));
  const started = Date.now();
  running.child.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 150));
  const refused = await fetch(`${running.url}/healthz`).then(
    (response) => `answered ${response.status}`,
    (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
  );
  t.is(refused, "ECONNREFUSED");

  t.deepEqual(await slow, { status: 200, text: "slept 800 ms" });
  const exit = await running.exited;
  t.is(exit.code, 0, exit.stderr);
  // The slow request ends ~550 ms after the signal; waiting on keep-alive sockets would take seconds more.
  t.true(Date.now() - started < 2_500, `exited ${Date.now() - started} ms after SIGTERM: it must not wait for idle keep-alive connections`);
  const messages = logEntries(running.lines).map((entry) => entry.msg);
  t.true(messages.includes("shutting down: finishing in-flight requests"));
  t.is(messages.at(-1), "stopped");
});

test.serial("after a restart the session secret is the same, so signed-in users stay signed in", async (t) => {
  const secretBefore = readFileSync(path.join(instance.dataDir, "session-secret"), "utf8");
  // Same port, so the client signed in before the restart keeps its cookie.
  server = await startServer({ ...instance.env, AGORA_PORT: String(server!.port) });
  t.is(readFileSync(path.join(instance.dataDir, "session-secret"), "utf8"), secretBefore);
  t.is((await signedInAdmin.get("/admin")).status, 200);
  t.is((await new Client(server.url).get("/admin")).status, 302, "and an anonymous client is still sent to log in");
  t.is(await server.stop(), 0);
});

test("a bad setting stops the server before it listens, exit non-zero, naming the variable", async (t) => {
  const scratch = await freshInstance();
  try {
    const failed = await startServer({ ...scratch.env, AGORA_PORT: "abc", DATABASE_URL: "mysql://agora:hunter22@db/agora" }).then(
      () => null,
      (error: Error) => error.message,
    );
    t.truthy(failed);
    t.regex(failed!, /exited with 78 before listening/);
    t.regex(failed!, /AGORA_PORT \(abc\): must be a whole number/);
    t.regex(failed!, /DATABASE_URL \(mysql:\/\/agora:\*\*\*@db\/agora\): must be a URL starting with postgres:/);
    t.notRegex(failed!, /hunter22/, "passwords are not printed");
  } finally {
    await scratch.remove();
  }
});
