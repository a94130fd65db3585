import { UniqueConstraintError } from "sequelize";
import type { Sequelize } from "sequelize";
import { ContentReport, type ReportReason } from "../models/content-report.ts";
import type { ContentPolicy } from "../policies/content.ts";
import { HttpError, forbidden, notFound } from "../http/errors.ts";
import { canReport } from "../content/moderation/access.ts";
import type { ModerationTarget } from "../content/moderation/targets.ts";

export interface ReportInput {
  reason: ReportReason;
  note: string | null;
}

/** The reader already has an open report on this target: refused, kindly (409). */
export const alreadyReported = () => new HttpError(409, "moderation:report.already");

/** The viewer's open report of a target, if any (to say so instead of showing the form again). */
export function openReportBy(policy: ContentPolicy, target: ModerationTarget) {
  return ContentReport.findOne({ where: { contentId: target.content.id, commentId: target.commentId, reporterId: policy.user!.id, status: "open" }, attributes: ["id"] });
}

/**
 * Records a reader's report for moderators. Only someone who may read the target and did not write it may
 * report; one open report per person and target (the database's unique index settles a double submit).
 */
export async function reportTarget(services: { sequelize: Sequelize }, policy: ContentPolicy, target: ModerationTarget, input: ReportInput): Promise<void> {
  if (!target.isLive) throw notFound();
  if (!canReport(policy, { authorId: target.subject.authorId, isLive: target.isLive })) throw forbidden("moderation:errors.ownContent");
  if (await openReportBy(policy, target)) throw alreadyReported();
  try {
    await services.sequelize.transaction((transaction) =>
      ContentReport.create({ contentId: target.content.id, commentId: target.commentId, reporterId: policy.user!.id, reason: input.reason, note: input.note }, { transaction }),
    );
  } catch (error) {
    if (error instanceof UniqueConstraintError) throw alreadyReported();
    throw error;
  }
}
