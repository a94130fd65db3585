// A poll's deadline across a restart: the server is stopped before the closing time and started after it; the
// poll is closed once, by the job kept in the database (real server processes, like production).
import test from "ava";
import pino from "pino";
import { QueryTypes } from "sequelize";
import { loadConfig } from "../../../config/index.ts";
import { Client } from "../../../test/helpers/client.ts";
import { pause, waitUntil } from "../../../test/notifications/helpers.ts";
import { agora, freshInstance, seedAccounts, startServer, type Instance, type RunningServer } from "../../../test/ops/processes.ts";

const password = "correct-horse-battery";
let instance: Instance | null = null;
const servers: RunningServer[] = [];
test.after.always(async () => {
  for (const server of servers) if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
  await instance?.remove();
});

/** Reads the instance's database while no server runs. */
async function readDatabase<T extends object>(env: Record<string, string>, sql: string): Promise<T[]> {
  const { openCore } = await import("../../../core/app.ts");
  const core = await openCore(loadConfig({ ...env, AGORA_LOG_LEVEL: "silent" }), pino({ level: "silent" }));
  try {
    return await core.sequelize.query<T>(sql, { type: QueryTypes.SELECT });
  } finally {
    await core.sequelize.close();
  }
}

test("a deadline that passes while the server is down closes the poll once after the restart", async (t) => {
  t.timeout(120_000);
  instance = await freshInstance({ AGORA_ADMIN_EMAIL: "polls-admin@example.test", AGORA_ADMIN_PASSWORD: "polls-admin-password" });
  const [author] = await seedAccounts(instance.env, ["pollster"], password);
  for (const id of ["groups", "polls"]) t.is((await agora(["module:enable", id], instance.env)).code, 0);
  const env = { ...instance.env, AGORA_JOBS_POLL_MS: "50" };
  const first = await startServer(env);
  servers.push(first);
  const client = new Client(first.url);
  await client.login(author.email, password);
  const closesAt = new Date(Date.now() + 3000);
  const posted = await client.post("/compose/poll", { target: "company:0", returnTo: "/", body: "Closes while we are down?", options: "Yes\nNo", closesAt: closesAt.toISOString() });
  t.is(posted.status, 303);
  t.is(await first.stop(), 0);
  await pause(Math.max(0, closesAt.getTime() - Date.now()) + 500);
  const [before] = await readDatabase<{ closed_at: unknown }>(env, "SELECT closed_at FROM polls");
  t.is(before.closed_at, null, "nothing closed it while the server was down");

  const second = await startServer(env);
  servers.push(second);
  const reader = new Client(second.url);
  await reader.login(author.email, password);
  // The job's own write, not the page (which already says "Closed" once the time has passed).
  await waitUntil(async () => (await readDatabase<{ closed_at: unknown }>(env, "SELECT closed_at FROM polls"))[0].closed_at, "the job closed the poll after the restart", 20_000);
  t.true((await reader.get("/")).text.includes("<strong>Closed</strong>"));
  await pause(500);
  t.is(await second.stop(), 0);
  const jobs = await readDatabase<{ status: string }>(env, "SELECT status FROM jobs WHERE kind = 'polls.close'");
  t.deepEqual(jobs.map((job) => job.status), ["done"], "one job, run once");
  const [after] = await readDatabase<{ closed_at: unknown }>(env, "SELECT closed_at FROM polls");
  t.truthy(after.closed_at);
});
