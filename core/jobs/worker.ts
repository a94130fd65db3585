import { randomBytes } from "node:crypto";
import os from "node:os";
import type { Logger } from "pino";
import type { Sequelize, Transaction } from "sequelize";
import type { Job } from "./job.ts";
import { claimNext, completeJob, extendLease, failJob, jobSignals, postponeJob, purgeFinished, reclaimExpired } from "./queue.ts";

export interface JobContext {
  job: Job;
  /**
   * Runs database writes in one transaction with the job's completion, so they happen exactly once even if
   * the job runs again. Do the reads and the slow work before it: the transaction should be short.
   */
  finish<T>(work: (transaction: Transaction) => Promise<T>): Promise<T>;
}

/** What a handler may answer: nothing (done), or "not now" (quiet hours), which does not count as an attempt. */
export type JobOutcome = void | { postponeUntil: Date };

export interface JobHandler {
  kind: string;
  run(payload: unknown, context: JobContext): Promise<JobOutcome>;
}

export interface WorkerOptions {
  pollMs: number;
  /** Back-off base: a failed job is due again after retryMs, 2×, 4×... */
  retryMs: number;
  /** How long a claimed job is ours; renewed while it runs, so only a dead worker loses it. */
  leaseMs: number;
}

/** Work done between jobs (digest scheduling...), at most every everyMs. */
export interface PeriodicTask {
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

class LeaseLostError extends Error {}

const purgeAfterMs = 30 * 24 * 3600 * 1000;
const stopWaitMs = 5000;
const burst = 50;

/**
 * Runs queued jobs one at a time in this process, alongside the web server. Every process runs one; the
 * queue's claim keeps them from taking the same job. Delivery is at least once: a job whose worker died
 * runs again after its lease, so handlers are idempotent (transactional ones are exactly once).
 */
export class JobWorker {
  readonly id = `${os.hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  private handlers = new Map<string, JobHandler>();
  private tasks: (PeriodicTask & { lastRunAt: number })[] = [];
  private isStopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private isSignalled = false;
  private onEnqueued = () => {
    this.isSignalled = true;
    this.wake?.();
  };

  constructor(
    private sequelize: Sequelize,
    private logger: Logger,
    private options: WorkerOptions,
  ) {
    this.every("jobs.reclaim", 0, () => reclaimExpired(this.sequelize));
    this.every("jobs.purge", 3600_000, () => purgeFinished(new Date(Date.now() - purgeAfterMs)));
  }

  register(handler: JobHandler) {
    this.handlers.set(handler.kind, handler);
  }

  every(name: string, everyMs: number, run: () => Promise<void>) {
    this.tasks.push({ name, everyMs, run, lastRunAt: 0 });
  }

  start() {
    if (this.loop) return;
    jobSignals.on("enqueued", this.onEnqueued);
    this.loop = this.runLoop();
  }

  /** Stops taking jobs and waits (a few seconds at most) for the one running; an unfinished job runs again later. */
  async stop() {
    this.isStopping = true;
    jobSignals.off("enqueued", this.onEnqueued);
    this.wake?.();
    if (this.loop) await Promise.race([this.loop, new Promise((resolve) => setTimeout(resolve, stopWaitMs).unref())]);
  }

  private async runLoop() {
    while (!this.isStopping) {
      this.isSignalled = false;
      try {
        await this.runTasks();
        let done = 0;
        while (!this.isStopping && done < burst && (await this.runNext())) done += 1;
        if (done === burst) continue;
      } catch (error) {
        this.logger.error({ err: error }, "job worker loop failed; retrying after the poll interval");
      }
      await this.sleep(this.options.pollMs);
    }
  }

  /** Waits for the poll interval, or less when a job is enqueued in this process meanwhile. */
  private sleep(ms: number) {
    return new Promise<void>((resolve) => {
      if (this.isSignalled || this.isStopping) return resolve();
      const timer = setTimeout(() => this.wake?.(), ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  private async runTasks() {
    const now = Date.now();
    for (const task of this.tasks) {
      if (now - task.lastRunAt < task.everyMs) continue;
      task.lastRunAt = now;
      try {
        await task.run();
      } catch (error) {
        this.logger.error({ err: error, task: task.name }, "periodic task failed");
      }
    }
  }

  /** Claims and runs the next due job; false when none is due. */
  async runNext(): Promise<boolean> {
    const job = await claimNext(this.sequelize, this.id, this.options.leaseMs);
    if (!job) return false;
    const heartbeat = setInterval(() => void extendLease(job, this.id, this.options.leaseMs).catch(() => undefined), Math.max(500, this.options.leaseMs / 3));
    try {
      const handler = this.handlers.get(job.kind);
      if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
      const outcome = await this.execute(handler, job);
      if (outcome) await postponeJob(job, this.id, outcome.postponeUntil);
    } catch (error) {
      if (error instanceof LeaseLostError) this.logger.warn({ job: job.id, kind: job.kind }, "job lease lost; another worker has it");
      else {
        const result = await failJob(job, this.id, error, this.options.retryMs);
        this.logger[result === "failed" ? "error" : "warn"]({ err: error, job: job.id, kind: job.kind, attempts: job.attempts }, result === "failed" ? "job failed for good" : "job failed; will retry");
      }
    } finally {
      clearInterval(heartbeat);
    }
    return true;
  }

  private async execute(handler: JobHandler, job: Job): Promise<JobOutcome> {
    let isFinished = false;
    const finish = <T>(work: (transaction: Transaction) => Promise<T>) =>
      this.sequelize.transaction(async (transaction) => {
        const result = await work(transaction);
        if (!(await completeJob(job, this.id, transaction))) throw new LeaseLostError();
        isFinished = true;
        return result;
      });
    const outcome = await handler.run(JSON.parse(job.payload), { job, finish });
    if (!outcome && !isFinished && !(await completeJob(job, this.id))) throw new LeaseLostError();
    return outcome;
  }
}
