import { once } from "node:events";
import { readFileSync, statSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
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

test.serial("on AGORA_PORT=0 the default base URL is the port the server got, not port 0", async (t) => {
  const listening = logEntries(server!.lines).find((entry) => /^Agora is listening/.test(String(entry.msg)));
  t.is(listening?.baseUrl, `http://localhost:${server!.port}`);
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

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function waitForLog(running: RunningServer, matches: (entry: Record<string, unknown>) => boolean): Promise<Record<string, unknown> | undefined> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const found = logEntries(running.lines).find(matches);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

test("without AGORA_BASE_URL, e-mailed links follow AGORA_PORT, and the start log warns that they open on this machine only", async (t) => {
  const scratch = await freshInstance({ ...admin, AGORA_JOBS_POLL_MS: "50" });
  const port = await freePort();
  const running = await startServer({ ...scratch.env, AGORA_PORT: String(port) });
  try {
    const warning = logEntries(running.lines).find((entry) => entry.level === 40 && /AGORA_BASE_URL/.test(String(entry.msg)));
    t.truthy(warning, "the start log warns");
    t.regex(String(warning?.msg), new RegExp(`AGORA_BASE_URL is not set: links in e-mails point to http://localhost:${port}, which opens only on this machine`));
    const client = new Client(running.url);
    t.is((await client.post("/password/forgot", { email: admin.AGORA_ADMIN_EMAIL })).status, 200);
    const mail = await waitForLog(running, (entry) => entry.msg === "mail not sent: AGORA_SMTP_URL is not set" && entry.to === admin.AGORA_ADMIN_EMAIL);
    t.regex(String(mail?.text), new RegExp(`http://localhost:${port}/password/reset\\?token=`), "the reset link reaches the port the server listens on");
    t.notRegex(String(mail?.text), /localhost:3000/);
  } finally {
    await running.stop();
    await scratch.remove();
  }
});

test("a public AGORA_BASE_URL starts without the warning; a loopback one set by hand still gets it", async (t) => {
  const scratch = await freshInstance();
  try {
    for (const [baseUrl, isWarned] of [["https://social.example.test", false], ["http://127.0.0.1:8080", true]] as const) {
      const running = await startServer({ ...scratch.env, AGORA_BASE_URL: baseUrl });
      await running.stop();
      const warnings = logEntries(running.lines).filter((entry) => entry.level === 40 && /AGORA_BASE_URL/.test(String(entry.msg)));
      t.is(warnings.length, isWarned ? 1 : 0, baseUrl);
      if (isWarned) t.regex(String(warnings[0].msg), /AGORA_BASE_URL \(http:\/\/127\.0\.0\.1:8080\) opens only on this machine/);
    }
  } finally {
    await scratch.remove();
  }
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
