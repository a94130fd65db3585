// Real server processes sharing one database: a module's scheduled work runs once across them, and a deadline survives kill -9.
import test from "ava";
import { Client } from "../helpers/client.ts";
import { pause, waitUntil } from "../notifications/helpers.ts";
import { agora, freshInstance, seedAccounts, startServer, type Instance, type RunningServer } from "../ops/processes.ts";

const password = "correct-horse-battery";
let instance: Instance | null = null;
const servers: RunningServer[] = [];
test.after.always(async () => {
  for (const server of servers) if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
  await instance?.remove();
});

interface Run {
  what: string;
  ref: string;
  pid: number;
}

test("two processes: each period's run and each deadline happen once, and a deadline queued before kill -9 runs after", async (t) => {
  t.timeout(120_000);
  instance = await freshInstance({ AGORA_ADMIN_EMAIL: "sched-admin@example.test", AGORA_ADMIN_PASSWORD: "sched-admin-password" });
  const [person] = await seedAccounts(instance.env, ["scheduler"], password);
  t.is((await agora(["module:enable", "fixture-schedule"], instance.env)).code, 0);
  const env = { ...instance.env, AGORA_JOBS_POLL_MS: "50", AGORA_JOBS_LEASE_MS: "1500", FIXTURE_SCHEDULE_TICK_MS: "1000" };
  const one = await startServer(env);
  servers.push(one);
  const two = await startServer(env);
  servers.push(two);
  const client = new Client(two.url);
  await client.login(person.email, password);
  const runs = async (): Promise<Run[]> => JSON.parse((await client.get("/fixture-schedule/runs")).text);

  // Queued through the first process, due in 2.5 s; that process dies first.
  const queuer = new Client(one.url);
  await queuer.login(person.email, password);
  t.is((await queuer.post("/fixture-schedule/deadlines", { ref: "after-crash", inMs: "2500" })).status, 202);
  one.child.kill("SIGKILL");
  await one.exited;

  await waitUntil(async () => (await runs()).some((run) => run.ref === "after-crash"), "the deadline ran in the surviving process", 20_000);
  const three = await startServer(env);
  servers.push(three);
  await waitUntil(async () => (await runs()).filter((run) => run.what === "tick").length >= 4, "four ticks", 20_000);
  await pause(1500);
  const all = await runs();
  t.is(all.filter((run) => run.ref === "after-crash").length, 1, "the deadline ran exactly once");
  const ticks = all.filter((run) => run.what === "tick");
  t.is(new Set(ticks.map((run) => run.ref)).size, ticks.length, "no period ran twice, though two or three processes offered each");
  t.is(await two.stop(), 0);
  t.is(await three.stop(), 0);
});
