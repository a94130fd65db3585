import { EventEmitter } from "node:events";
import { Op, QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { Job } from "./job.ts";

export interface EnqueueOptions {
  /** A job with the same key is enqueued once, whoever asks and however often. */
  key?: string;
  runAt?: Date;
  maxAttempts?: number;
  transaction?: Transaction;
}

export interface JobRequest extends EnqueueOptions {
  kind: string;
  payload: unknown;
}

/** Wakes this process's worker when a job is enqueued here, so a due job does not wait for the next poll. */
export const jobSignals = new EventEmitter();

/**
 * Adds jobs; a duplicate idempotency key is silently skipped (INSERT OR IGNORE / ON CONFLICT DO NOTHING),
 * so callers may enqueue in the transaction of the write that causes them and retry freely.
 */
export async function enqueueJobs(requests: JobRequest[], transaction?: Transaction): Promise<void> {
  if (requests.length === 0) return;
  const now = new Date();
  const rows = requests.map((request) => ({
    kind: request.kind,
    payload: JSON.stringify(request.payload ?? null),
    idempotencyKey: request.key ?? null,
    runAt: request.runAt ?? now,
    ...(request.maxAttempts ? { maxAttempts: request.maxAttempts } : {}),
  }));
  const writeTransaction = transaction ?? requests.find((request) => request.transaction)?.transaction;
  await Job.bulkCreate(rows, { ignoreDuplicates: true, transaction: writeTransaction });
  if (writeTransaction) writeTransaction.afterCommit(() => void jobSignals.emit("enqueued"));
  else jobSignals.emit("enqueued");
}

export function enqueueJob(kind: string, payload: unknown, options: EnqueueOptions = {}): Promise<void> {
  return enqueueJobs([{ kind, payload, ...options }], options.transaction);
}

/** Exponential back-off: base, 2×base, 4×base... capped at six hours. */
export function retryDelayMs(baseMs: number, attempts: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 6 * 3600 * 1000);
}

/**
 * Running jobs whose lease ran out belonged to a process that died or hung: they become due again
 * (or failed once out of attempts). Their side effects must be idempotent; that is the contract.
 */
export async function reclaimExpired(sequelize: Sequelize, now = new Date()): Promise<void> {
  const expired = "status = 'running' AND locked_until < :now";
  const note = "last_error = COALESCE(last_error, 'lease expired: the worker stopped while running it'), locked_by = NULL, locked_until = NULL, updated_at = :now";
  const options = { replacements: { now }, type: QueryTypes.UPDATE };
  await sequelize.query(`UPDATE jobs SET status = 'failed', finished_at = :now, ${note} WHERE ${expired} AND attempts >= max_attempts`, options);
  await sequelize.query(`UPDATE jobs SET status = 'pending', run_at = :now, ${note} WHERE ${expired}`, options);
}

/**
 * Takes the next due job under a lease, atomically across processes: PostgreSQL skips rows another
 * worker holds (FOR UPDATE SKIP LOCKED); SQLite serialises writers, so the single UPDATE is enough.
 */
export async function claimNext(sequelize: Sequelize, workerId: string, leaseMs: number, now = new Date()): Promise<Job | null> {
  const lock = sequelize.getDialect() === "postgres" ? "FOR UPDATE SKIP LOCKED" : "";
  const rows = await sequelize.query<Record<string, unknown>>(
    `UPDATE jobs SET status = 'running', locked_by = :workerId, locked_until = :until, attempts = attempts + 1, updated_at = :now
     WHERE id = (SELECT id FROM jobs WHERE status = 'pending' AND run_at <= :now ORDER BY run_at, id LIMIT 1 ${lock})
     RETURNING id`,
    { replacements: { workerId, until: new Date(now.getTime() + leaseMs), now }, type: QueryTypes.SELECT },
  );
  const id = rows[0]?.id;
  return id === undefined ? null : Job.findByPk(Number(id));
}

/** Marks a claimed job done; false when this worker no longer holds it (its lease ran out and another took it). */
export async function completeJob(job: Job, workerId: string, transaction?: Transaction): Promise<boolean> {
  const [changed] = await Job.update(
    { status: "done", finishedAt: new Date(), lockedBy: null, lockedUntil: null, lastError: null },
    { where: { id: job.id, status: "running", lockedBy: workerId }, transaction },
  );
  return changed === 1;
}

/** A failed attempt: due again after the back-off, or failed for good once out of attempts. */
export async function failJob(job: Job, workerId: string, error: unknown, retryMs: number): Promise<"retry" | "failed"> {
  const isOver = job.attempts >= job.maxAttempts;
  const message = String((error as Error)?.stack ?? error).slice(0, 4000);
  await Job.update(
    {
      status: isOver ? "failed" : "pending",
      runAt: new Date(Date.now() + retryDelayMs(retryMs, job.attempts)),
      lockedBy: null,
      lockedUntil: null,
      lastError: message,
      finishedAt: isOver ? new Date() : null,
    },
    { where: { id: job.id, lockedBy: workerId } },
  );
  return isOver ? "failed" : "retry";
}

/** Puts a job back for later without counting the attempt (quiet hours, say). */
export async function postponeJob(job: Job, workerId: string, runAt: Date): Promise<void> {
  await Job.update({ status: "pending", runAt, lockedBy: null, lockedUntil: null, attempts: Math.max(0, job.attempts - 1) }, { where: { id: job.id, lockedBy: workerId } });
}

/** Keeps the lease of a long job; false when it was lost. */
export async function extendLease(job: Job, workerId: string, leaseMs: number): Promise<boolean> {
  const [changed] = await Job.update({ lockedUntil: new Date(Date.now() + leaseMs) }, { where: { id: job.id, status: "running", lockedBy: workerId } });
  return changed === 1;
}

/** Finished jobs are kept a while (their keys still deduplicate), then deleted. */
export async function purgeFinished(olderThan: Date): Promise<void> {
  await Job.destroy({ where: { finishedAt: { [Op.lt]: olderThan } } });
}
