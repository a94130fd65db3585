import { Op, type Sequelize, type Transaction } from "sequelize";
import { ContentReport, type ReportStatus } from "../models/content-report.ts";
import type { User } from "../models/user.ts";
import type { ContentPolicy } from "../policies/content.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import { HttpError, forbidden } from "../http/errors.ts";
import { canHandle } from "../content/moderation/access.ts";
import type { ModerationTarget } from "../content/moderation/targets.ts";
import { deleteContent } from "./post-writer.ts";
import { deleteComment } from "./comment-writer.ts";
import { audit } from "./audit.ts";

export interface ModerationServices {
  sequelize: Sequelize;
  registry: ModuleRegistry;
}

const auditSubject = (target: ModerationTarget) => ({ type: target.kind, id: target.commentId ?? target.content.id });
const auditDetails = (target: ModerationTarget, extra: Record<string, unknown> = {}) => ({
  authorId: target.subject.authorId,
  ...(target.commentId ? { contentId: target.content.id } : {}),
  ...extra,
});

/** Closes every open report of a target; returns how many were open. */
async function resolveReports(transaction: Transaction, target: ModerationTarget, status: Exclude<ReportStatus, "open">, by: User): Promise<number> {
  const [count] = await ContentReport.update(
    { status, resolvedAt: new Date(), resolvedBy: by.id },
    { where: { contentId: target.content.id, commentId: target.commentId ?? { [Op.is]: null }, status: "open" }, transaction },
  );
  return count;
}

async function guard(policy: ContentPolicy, target: ModerationTarget) {
  if (!(await canHandle(policy, target.subject))) throw forbidden();
  return policy.user!;
}

/** Hides a target from everyone but its moderators; its open reports are closed as acted upon. Audited in the same transaction. */
export async function hideTarget(services: ModerationServices, policy: ContentPolicy, target: ModerationTarget): Promise<void> {
  const by = await guard(policy, target);
  if (target.isHidden) throw new HttpError(409, "moderation:errors.alreadyHidden");
  if (target.isDeleted) throw new HttpError(409, "moderation:errors.deleted");
  await services.sequelize.transaction(async (transaction) => {
    if (!(await target.setHidden(transaction, by))) throw new HttpError(409, "moderation:errors.alreadyHidden");
    const reports = await resolveReports(transaction, target, "actioned", by);
    await audit(by, `${target.kind}.hidden`, auditSubject(target), auditDetails(target, { reports }), transaction);
  });
}

/** Shows a hidden target again. */
export async function unhideTarget(services: ModerationServices, policy: ContentPolicy, target: ModerationTarget): Promise<void> {
  const by = await guard(policy, target);
  if (!target.isHidden) throw new HttpError(409, "moderation:errors.notHidden");
  await services.sequelize.transaction(async (transaction) => {
    if (!(await target.setHidden(transaction, null))) throw new HttpError(409, "moderation:errors.notHidden");
    await audit(by, `${target.kind}.unhidden`, auditSubject(target), auditDetails(target), transaction);
  });
}

/** Nothing wrong: the target's open reports are closed and it stays as it is. */
export async function dismissReports(services: ModerationServices, policy: ContentPolicy, target: ModerationTarget): Promise<number> {
  const by = await guard(policy, target);
  return services.sequelize.transaction(async (transaction) => {
    const reports = await resolveReports(transaction, target, "dismissed", by);
    if (reports === 0) throw new HttpError(409, "moderation:errors.noOpenReports");
    await audit(by, "reports.dismissed", auditSubject(target), auditDetails(target, { reports }), transaction);
    return reports;
  });
}

/**
 * Deletes a reported content or comment (the usual soft delete, audited by the writer that owns it: a
 * content stays restorable for 30 days), then closes its reports, audited with them.
 */
export async function deleteReported(services: ModerationServices, policy: ContentPolicy, target: ModerationTarget): Promise<void> {
  const by = await guard(policy, target);
  if (target.isDeleted) throw new HttpError(409, "moderation:errors.deleted");
  if (target.comment) await deleteComment(services, policy, target.content, target.comment);
  else await deleteContent(services, policy, target.content);
  await services.sequelize.transaction(async (transaction) => {
    const reports = await resolveReports(transaction, target, "actioned", by);
    if (reports > 0) await audit(by, "reports.resolved", auditSubject(target), auditDetails(target, { reports, by: "delete" }), transaction);
  });
}
