import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { pause, waitUntil } from "../notifications/helpers.ts";

// The fixture module (test/fixtures/modules/fixture-schedule) reads its tick period when it loads.
process.env.FIXTURE_SCHEDULE_TICK_MS = "1000";

interface Run {
  what: string;
  ref: string;
  pid: number;
}

let app: TestApp;
let admin: Client;
test.before(async () => {
  app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
  admin = (await app.signedIn("admin")).client;
});
test.after.always(() => app?.close());

const runs = async (): Promise<Run[]> => JSON.parse((await admin.get("/fixture-schedule/runs")).text);
const jobsOf = (kind: string) =>
  app.app.sequelize.query<{ status: string; attempts: number; run_at: string | Date }>("SELECT status, attempts, run_at FROM jobs WHERE kind = :kind", {
    replacements: { kind },
    type: QueryTypes.SELECT,
  });

test.serial("while the module is off, no periodic run is offered and a due deadline waits without counting an attempt", async (t) => {
  // Its routes are off too; the deadline is queued straight through the host the module was given.
  t.is((await admin.post("/fixture-schedule/deadlines", { ref: "while-off", inMs: "0" })).status, 404);
  const { enqueueJob } = await import("../../core/jobs/queue.ts");
  await enqueueJob("fixture-schedule.deadline", { ref: "while-off" }, { key: "fixture-schedule.deadline:while-off" });
  await waitUntil(async () => (await jobsOf("fixture-schedule.deadline")).some((job) => new Date(job.run_at).getTime() > Date.now() + 30 * 60_000), "the deadline postponed");
  const [job] = await jobsOf("fixture-schedule.deadline");
  t.is(job?.status, "pending");
  t.is(job?.attempts, 0, "waiting for the module is not a failed attempt");
  await pause(1200);
  t.deepEqual(await jobsOf("fixture-schedule.every.tick"), [], "no tick offered while off");
});

test.serial("a deadline runs once at its time, however often it is queued with the same key", async (t) => {
  t.is((await admin.post("/admin/modules/fixture-schedule/enable", { state: "enabled" })).status, 302);
  const queuedAt = Date.now();
  for (let index = 0; index < 3; index += 1) {
    t.is((await admin.post("/fixture-schedule/deadlines", { ref: "close-poll-7", inMs: "600" })).status, 202);
  }
  await waitUntil(async () => (await runs()).some((run) => run.ref === "close-poll-7"), "the deadline ran", 10_000);
  t.true(Date.now() - queuedAt >= 600, "not before its time");
  await pause(500);
  t.is((await runs()).filter((run) => run.ref === "close-poll-7").length, 1);
  t.is((await jobsOf("fixture-schedule.deadline")).filter((job) => job.status === "done").length, 1);
});

test.serial("bad input to the fixture's form changes nothing, and at() refuses a kind no handler was declared for", async (t) => {
  t.is((await admin.post("/fixture-schedule/deadlines", { ref: "Bad Ref!", inMs: "10" })).status, 400);
  const { scheduledWork } = await import("../../core/modules/scheduled-work.ts");
  const jobs = scheduledWork("fixture-x", { handlers: [], periodic: [] });
  await t.throwsAsync(jobs.at("undeclared", new Date(), {}), { message: /no handler declared/ });
  t.throws(() => jobs.every("Bad Name", 5000, async () => {}), { message: /lowercase/ });
  t.throws(() => jobs.every("fast", 10, async () => {}), { message: /at least 1000 ms/ });
});

test.serial("a periodic run happens once per period, with the period's start", async (t) => {
  await waitUntil(async () => (await runs()).filter((run) => run.what === "tick").length >= 3, "three ticks", 15_000);
  const ticks = (await runs()).filter((run) => run.what === "tick").map((run) => Number(run.ref));
  t.is(new Set(ticks).size, ticks.length, "no period ran twice");
  t.true(ticks.every((start) => start % 1000 === 0), "each run is given the start of its period");
});
