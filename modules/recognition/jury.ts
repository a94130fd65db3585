import { QueryTypes, type Transaction } from "sequelize";
import { Content, HttpError, type ContentPolicy, type Host } from "../../core/sdk/index.ts";
import { now } from "./clock.ts";
import { refused } from "./rules.ts";
import { Award, Juror } from "./models.ts";

/** The period an instant falls in: "2026-03" for a monthly budget, "2026" for a yearly one (UTC). */
export function periodKey(period: "month" | "year", at: Date): string {
  const year = String(at.getUTCFullYear());
  return period === "year" ? year : `${year}-${String(at.getUTCMonth() + 1).padStart(2, "0")}`;
}

// Who is a juror, for the entry action (which must answer without a query): refreshed after each change here
// and, in other processes, within ten seconds of a page asking.
let jurors = new Set<number>();
let loadedAt = 0;

export async function refreshJurors() {
  jurors = new Set((await Juror.findAll({ where: { isActive: true }, attributes: ["userId"] })).map((row) => row.userId));
  loadedAt = Date.now();
}

export function isKnownJuror(userId: number): boolean {
  if (Date.now() - loadedAt > 10_000) {
    loadedAt = Date.now();
    void refreshJurors().catch(() => (loadedAt = 0));
  }
  return jurors.has(userId);
}

/** What the juror has left in the current period (the full budget when nothing was spent yet). */
export async function remainingBudget(host: Host, juror: Juror): Promise<{ periodKey: string; budget: number; spent: number }> {
  const key = periodKey(juror.period, now());
  const [row] = await host.sequelize.query<{ budget: number; spent: number }>("SELECT budget, spent FROM recognition_budgets WHERE juror_id = :juror AND period_key = :key", {
    replacements: { juror: juror.userId, key },
    type: QueryTypes.SELECT,
  });
  return { periodKey: key, budget: row ? Number(row.budget) : juror.budget, spent: row ? Number(row.spent) : 0 };
}

export interface AwardRequest {
  contentId: number;
  commentId: number | null;
  points: number;
  reason: string;
}

/** The awarded post or comment, readable by the juror and not their own; else a refusal that says why. */
async function awardTarget(host: Host, policy: ContentPolicy, request: AwardRequest): Promise<{ content: Content; authorId: number }> {
  const content = await Content.findByPk(request.contentId);
  if (!content || content.deletedAt || content.hiddenAt || !(await policy.canRead(content))) throw new HttpError(404);
  let authorId = content.authorId;
  if (request.commentId) {
    const [comment] = await host.sequelize.query<{ author_id: number }>("SELECT author_id FROM comments WHERE id = :id AND content_id = :content AND deleted_at IS NULL AND hidden_at IS NULL", {
      replacements: { id: request.commentId, content: content.id },
      type: QueryTypes.SELECT,
    });
    if (!comment) throw new HttpError(404);
    authorId = Number(comment.author_id);
  }
  if (authorId === policy.user!.id) throw refused("ownContent");
  return { content, authorId };
}

/**
 * Writes one award: the period's budget row is made if missing (with the juror's budget then), then spent
 * by a single guarded UPDATE (spent + points <= budget) in the same transaction as the ledger entry. Two
 * awards at once cannot both pass: the row is locked by the first UPDATE (PostgreSQL) or the write lock is
 * taken at BEGIN (SQLite), and the table's CHECK refuses an overspend even from other code.
 */
export async function award(host: Host, policy: ContentPolicy, request: AwardRequest): Promise<Award> {
  const juror = await Juror.findByPk(policy.user!.id);
  if (!juror || !juror.isActive) throw new HttpError(403, "recognition:errors.notJuror");
  const { authorId } = await awardTarget(host, policy, request);
  const at = now();
  const key = periodKey(juror.period, at);
  return host.sequelize.transaction(async (transaction: Transaction) => {
    await host.sequelize.query("INSERT INTO recognition_budgets (juror_id, period_key, budget, spent) VALUES (:juror, :key, :budget, 0) ON CONFLICT (juror_id, period_key) DO NOTHING", {
      replacements: { juror: juror.userId, key, budget: juror.budget },
      transaction,
    });
    const [, changed] = await host.sequelize.query("UPDATE recognition_budgets SET spent = spent + :points WHERE juror_id = :juror AND period_key = :key AND spent + :points <= budget", {
      replacements: { juror: juror.userId, key, points: request.points },
      type: QueryTypes.UPDATE,
      transaction,
    });
    if (changed !== 1) throw refused("budget");
    return Award.create({ jurorId: juror.userId, contentId: request.contentId, commentId: request.commentId, authorId, points: request.points, reason: request.reason, periodKey: key, createdAt: at }, { transaction });
  });
}
