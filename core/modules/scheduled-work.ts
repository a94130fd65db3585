import { enqueueJob } from "../jobs/queue.ts";
import type { JobWorker } from "../jobs/worker.ts";
import type { Transaction } from "sequelize";

/** What a module's job handler gets besides its payload (see core/jobs/worker.ts). */
export interface ModuleJobContext {
  /**
   * Runs database writes in one transaction with the job's completion: they happen exactly once even if
   * the job runs again after a crash. Do the reads and slow work before it.
   */
  finish<T>(work: (transaction: Transaction) => Promise<T>): Promise<T>;
}

/**
 * Background work on core's job queue, shared by every process: each job runs in one process only,
 * survives restarts, and runs only while the module is on for the instance.
 */
export interface ScheduledWork {
  /**
   * Runs `run` once per period of `everyMs` across all processes (not once per process), with the
   * period's start; periods are counted from the Unix epoch, so a daily one starts at midnight UTC.
   */
  every(name: string, everyMs: number, run: (periodStart: Date) => Promise<void>): void;
  /** Declares what a job of this kind does; `at` queues jobs of it. */
  handle<P>(kind: string, run: (payload: P, context: ModuleJobContext) => Promise<void>): void;
  /**
   * Queues a job of a declared kind for `runAt` (a deadline). A `key` makes it queued once however often
   * this is called (put what decides it in the key, e.g. the deadline itself). Pass the transaction of
   * the write that causes it: no job if that write rolls back.
   */
  at(kind: string, runAt: Date, payload: unknown, options?: { key?: string; transaction?: Transaction }): Promise<void>;
}

/** What one module declared through host.jobs, installed on the job worker once the app starts. */
export interface ModuleJobs {
  handlers: { kind: string; run: (payload: unknown, context: ModuleJobContext) => Promise<void> }[];
  periodic: { name: string; everyMs: number; run: (periodStart: Date) => Promise<void> }[];
}

// Job kinds are stored in a 64-character column, keys in 191: names stay well inside both.
const namePattern = /^[a-z0-9][a-z0-9-]{0,31}$/;
// A module switched off keeps its deadlines: they wait, without counting attempts, until it is on again.
const disabledRecheckMs = 3600_000;

/** A module's job kind as the queue stores it: "<module id>.<kind>". */
export function moduleJobKind(moduleId: string, kind: string): string {
  return `${moduleId}.${kind}`;
}

function checkName(moduleId: string, name: string) {
  if (!namePattern.test(name)) throw new Error(`module "${moduleId}": job name "${name}" must be 1-32 lowercase letters, digits or dashes`);
}

/** host.jobs for one module: records handlers and periodic work; `at` queues at once. */
export function scheduledWork(moduleId: string, declared: ModuleJobs): ScheduledWork {
  return {
    every(name, everyMs, run) {
      checkName(moduleId, name);
      if (!Number.isInteger(everyMs) || everyMs < 1000) throw new Error(`module "${moduleId}": every("${name}") needs a period of at least 1000 ms`);
      declared.periodic.push({ name, everyMs, run });
    },
    handle(kind, run) {
      checkName(moduleId, kind);
      declared.handlers.push({ kind, run: run as (payload: unknown, context: ModuleJobContext) => Promise<void> });
    },
    async at(kind, runAt, payload, options = {}) {
      if (!declared.handlers.some((handler) => handler.kind === kind)) throw new Error(`module "${moduleId}": no handler declared for job "${kind}"`);
      if (Number.isNaN(runAt.getTime())) throw new Error(`module "${moduleId}": job "${kind}" needs a valid date`);
      const fullKind = moduleJobKind(moduleId, kind);
      await enqueueJob(fullKind, payload, { runAt, key: options.key === undefined ? undefined : `${fullKind}:${options.key}`.slice(0, 191), transaction: options.transaction });
    },
  };
}

/**
 * Puts every module's job handlers and periodic work on this process's worker. A periodic run is one
 * job per period, keyed by the period's number: every process offers it, the queue keeps one, and one
 * worker runs it.
 */
export function installModuleJobs(worker: JobWorker, modules: Iterable<[string, ModuleJobs]>, isEnabled: (moduleId: string) => boolean) {
  for (const [moduleId, jobs] of modules) {
    for (const handler of jobs.handlers) {
      worker.register({
        kind: moduleJobKind(moduleId, handler.kind),
        run: async (payload, context) => {
          if (!isEnabled(moduleId)) return { postponeUntil: new Date(Date.now() + disabledRecheckMs) };
          await handler.run(payload, context);
        },
      });
    }
    for (const periodic of jobs.periodic) {
      const kind = moduleJobKind(moduleId, `every.${periodic.name}`);
      // A period's job found after the module was switched off is simply done: the next period comes.
      worker.register({
        kind,
        run: async (payload) => {
          if (isEnabled(moduleId)) await periodic.run(new Date((payload as { period: number }).period * periodic.everyMs));
        },
      });
      // Offered more often than the period for long periods, so a period's run starts soon after it begins.
      worker.every(kind, Math.min(periodic.everyMs, 60_000), async () => {
        if (!isEnabled(moduleId)) return;
        const period = Math.floor(Date.now() / periodic.everyMs);
        await enqueueJob(kind, { period }, { key: `${kind}:${period}` });
      });
    }
  }
}
