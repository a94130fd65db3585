import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

// The app's own worker only takes jobs due now; these are due in a year, and the test claims them "then".
const later = new Date(Date.now() + 365 * 24 * 3600 * 1000);
const modules = async () => ({ ...(await import("../../core/jobs/queue.ts")), ...(await import("../../core/jobs/job.ts")) });

// Each test starts without the jobs of the others.
test.beforeEach(async () => {
  const { Job } = await modules();
  await Job.destroy({ where: { kind: ["test.once", "test.failing", "test.lease"] } });
});

test.serial("a key is enqueued once, however often it is asked", async (t) => {
  const { enqueueJob, Job } = await modules();
  for (let round = 0; round < 3; round += 1) await enqueueJob("test.once", { round }, { key: "test:once", runAt: later });
  const rows = await Job.findAll({ where: { idempotencyKey: "test:once" } });
  t.is(rows.length, 1);
  t.deepEqual(JSON.parse(rows[0].payload), { round: 0 });
});

test.serial("failures back off exponentially and end as failed after the last attempt", async (t) => {
  const { enqueueJob, claimNext, failJob, retryDelayMs, Job } = await modules();
  await enqueueJob("test.failing", {}, { key: "test:failing", runAt: later, maxAttempts: 3 });
  const { sequelize } = app.app;
  const delays: number[] = [];
  let now = later;
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const job = (await claimNext(sequelize, "tester", 60_000, now))!;
    t.is(job.idempotencyKey, "test:failing");
    t.is(job.attempts, attempt);
    const before = Date.now();
    t.is(await failJob(job, "tester", new Error(`boom ${attempt}`), 1000), attempt < 3 ? "retry" : "failed");
    const row = (await Job.findByPk(job.id))!;
    delays.push(Math.round((row.runAt.getTime() - before) / 1000));
    now = new Date(Math.max(row.runAt.getTime(), later.getTime()) + 1);
  }
  t.deepEqual(delays.slice(0, 2), [1, 2], "1 s, then 2 s");
  t.is(retryDelayMs(1000, 5), 16_000);
  t.is(retryDelayMs(30_000, 30), 6 * 3600 * 1000, "capped at six hours");
  const failed = (await Job.findOne({ where: { idempotencyKey: "test:failing" } }))!;
  t.is(failed.status, "failed");
  t.regex(failed.lastError!, /boom 3/);
  t.is(await claimNext(sequelize, "tester", 60_000, new Date(later.getTime() + 10 * 3600_000)), null, "never taken again");
});

test.serial("a job whose worker died is taken again once its lease runs out; the dead worker can no longer complete it", async (t) => {
  const { enqueueJob, claimNext, completeJob, reclaimExpired, Job } = await modules();
  const { sequelize } = app.app;
  await enqueueJob("test.lease", {}, { key: "test:lease", runAt: later });
  const taken = (await claimNext(sequelize, "dead-worker", 1000, later))!;
  t.is(await claimNext(sequelize, "other-worker", 1000, later), null, "held while the lease runs");
  await reclaimExpired(sequelize, new Date(later.getTime() + 2000));
  const retaken = (await claimNext(sequelize, "other-worker", 1000, new Date(later.getTime() + 2000)))!;
  t.is(retaken.id, taken.id);
  t.is(retaken.attempts, 2);
  t.false(await completeJob(taken, "dead-worker"), "the old holder's completion is refused");
  t.true(await completeJob(retaken, "other-worker"));
  t.is((await Job.findByPk(taken.id))!.status, "done");
});
