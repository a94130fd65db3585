// AGORA_WORKERS: one server, several worker processes sharing its port, without Redis.
import test from "ava";
import { Client } from "../helpers/client.ts";
import { publish } from "../helpers/content.ts";
import { openEvents, waitUntil } from "../notifications/helpers.ts";
import { freshInstance, logEntries, seedAccounts, startServer, type Instance, type RunningServer } from "./processes.ts";

const password = "correct-horse-battery";
const admin = { AGORA_ADMIN_EMAIL: "cluster-admin@example.test", AGORA_ADMIN_PASSWORD: "cluster-admin-password", AGORA_ADMIN_NAME: "Cluster Admin" };

let instance: Instance;
let server: RunningServer;
let accounts: { email: string; username: string }[];

/** Which worker logged the request with this id (request lines are written when the response ends). */
function workerOf(requestId: string): number | undefined {
  return logEntries(server.lines).find((entry) => entry.msg === "request" && entry.requestId === requestId)?.worker as number | undefined;
}

test.before(async () => {
  instance = await freshInstance({ ...admin, AGORA_LOGIN_ATTEMPTS_PER_ACCOUNT: "3" });
  accounts = await seedAccounts(instance.env, ["writer", "watcher", "guessed"], password);
  server = await startServer({ ...instance.env, AGORA_WORKERS: "2", AGORA_JOBS_POLL_MS: "50" }, 60_000);
});
test.after.always(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) await server.stop();
  await instance?.remove();
});

test.serial("two workers start, the first alone (migrations once), then the server says it listens", async (t) => {
  // A worker's own line may reach the pipe just after the primary's "listening".
  const listening = () => logEntries(server.lines).filter((entry) => entry.msg === "worker listening");
  await waitUntil(() => listening().length === 2, "both workers' lines", 10_000);
  const entries = logEntries(server.lines);
  t.deepEqual(listening().map((entry) => entry.worker).sort(), [1, 2]);
  t.true(entries.filter((entry) => entry.event === "migrated").every((entry) => entry.worker === 1), "only the first worker migrates");
  const firstListening = entries.findIndex((entry) => entry.msg === "worker listening" && entry.worker === 1);
  t.true(entries.findIndex((entry) => entry.worker === 2) > firstListening, "the second starts once the first listens");
  t.like(entries.find((entry) => String(entry.msg).startsWith("Agora is listening")), { workers: 2 });
});

test.serial("a post served by one worker reaches live pages held by both", async (t) => {
  t.timeout(60_000);
  const [writer, watcher] = accounts;
  const reader = new Client(server.url);
  await reader.login(watcher.email, password);
  // Two streams open at once hold two connections, which the primary hands to the two workers in turn.
  const streams = [await openEvents(reader, "/live/events?stream=dashboard"), await openEvents(reader, "/live/events?stream=dashboard")];
  for (const stream of streams) {
    t.is(stream.status, 200);
    await stream.waitFor("unread");
  }
  const author = new Client(server.url);
  await author.login(writer.email, password);
  await publish(author, { target: "company:0", body: `Across workers, @${watcher.username}` });
  for (const stream of streams) {
    t.deepEqual(await stream.waitFor("posts", () => true, 10_000), { count: 1, text: "1 new post: show it" });
    t.deepEqual(await stream.waitFor("unread", (data) => data.count === 1, 10_000), { count: 1, label: "1" });
  }
  for (const stream of streams) stream.close();
  await waitUntil(() => streams.every((stream) => workerOf(stream.requestId) !== undefined), "the streams' request lines", 10_000);
  t.deepEqual(streams.map((stream) => workerOf(stream.requestId)).sort(), [1, 2], "one stream on each worker");
});

test.serial("failed sign-ins are counted across workers: the limit holds whichever worker answers", async (t) => {
  const guessed = accounts[2];
  const guesser = new Client(server.url);
  await guesser.get("/login");
  // Each attempt on a new connection: the primary hands them to the workers in turn, so each worker
  // alone sees 2 failures, under the limit of 3.
  const fresh = { headers: { connection: "close" } };
  const failures = [];
  for (let attempt = 0; attempt < 4; attempt += 1) failures.push(await guesser.post("/login", { login: guessed.email, password: "wrong-password-1" }, fresh));
  // 401 for a wrong password; the fourth, past the limit, may already get 429.
  t.true(failures.every((response) => response.status === 401 || response.status === 429), failures.map((response) => response.status).join(","));
  const refused = [];
  for (let attempt = 0; attempt < 2; attempt += 1) refused.push(await guesser.post("/login", { login: guessed.email, password }, fresh));
  t.deepEqual(refused.map((response) => response.status), [429, 429], "even the right password, on both workers");
  const requestIds = [...failures, ...refused].map((response) => response.headers.get("x-request-id") ?? "");
  // Log lines reach this process a moment after the responses.
  await waitUntil(() => requestIds.every((id) => workerOf(id) !== undefined), "the attempts' request lines", 10_000);
  t.deepEqual([...new Set(requestIds.map(workerOf))].sort(), [1, 2], "both workers answered");
});

test.serial("a worker that dies is replaced; SIGTERM stops every process with exit code 0", async (t) => {
  t.timeout(60_000);
  const before = logEntries(server.lines).filter((entry) => entry.msg === "worker listening").length;
  const pids = await workerPids(server.child.pid!);
  t.is(pids.length, 2);
  process.kill(pids[0], "SIGKILL");
  await waitUntil(() => logEntries(server.lines).filter((entry) => entry.msg === "worker listening").length > before, "a replacement worker", 30_000);
  t.truthy(logEntries(server.lines).find((entry) => entry.msg === "worker died: starting another"));
  t.is((await fetch(`${server.url}/healthz`)).status, 200);
  const survivors = await workerPids(server.child.pid!);
  t.is(survivors.length, 2);
  t.is(await server.stop(), 0);
  for (const pid of survivors) t.throws(() => process.kill(pid, 0), undefined, `worker ${pid} is gone`);
});

/** The worker processes of a primary, from /proc (Linux). */
async function workerPids(primaryPid: number): Promise<number[]> {
  const { readdir, readFile } = await import("node:fs/promises");
  const pids = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
    // Field 4 is the parent's pid; the command name (field 2) may hold spaces, so count from its closing parenthesis.
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (parent === primaryPid) pids.push(Number(name));
  }
  return pids;
}
