import type { Sequelize } from "sequelize";
import type { Content } from "../models/content.ts";
import type { ContentPolicy } from "../policies/content.ts";
import { HttpError, forbidden } from "../http/errors.ts";
import { audit } from "./audit.ts";

/**
 * Pins a content at the top of its container, or unpins it: the lightest form of announcement, for the
 * container's managers (instance admins, container owners and admins). Audited; pinning twice is harmless.
 */
export async function setPinned(services: { sequelize: Sequelize }, policy: ContentPolicy, content: Content, isPinned: boolean): Promise<void> {
  if (!(await policy.canManage(content))) throw forbidden("announcements:errors.notManager");
  if (isPinned && !content.isLive) throw new HttpError(409, "announcements:errors.notLive");
  if (Boolean(content.pinnedAt) === isPinned) return;
  const by = policy.user!;
  await services.sequelize.transaction(async (transaction) => {
    await content.update({ pinnedAt: isPinned ? new Date() : null }, { transaction });
    await audit(by, isPinned ? "content.pinned" : "content.unpinned", { type: "content", id: content.id }, { container: content.streamKey }, transaction);
  });
}
