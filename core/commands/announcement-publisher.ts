import type { Sequelize } from "sequelize";
import { Announcement, AnnouncementReceipt } from "../models/announcement.ts";
import type { Content } from "../models/content.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { ContentPolicy } from "../policies/content.ts";
import { HttpError, forbidden } from "../http/errors.ts";
import { audit } from "./audit.ts";

export interface AnnouncementServices {
  sequelize: Sequelize;
  registry: ModuleRegistry;
}

export interface AnnouncementOptions {
  requiresAck: boolean;
  expiresAt: Date | null;
}

/**
 * Announces a content in its container, or changes a running announcement's options; announcing again
 * after it ended starts it anew. A manager's act, audited; modules hear "announcement.published".
 */
export async function publishAnnouncement(services: AnnouncementServices, policy: ContentPolicy, content: Content, options: AnnouncementOptions): Promise<Announcement> {
  if (!(await policy.canManage(content))) throw forbidden("announcements:errors.notManager");
  if (!content.isLive) throw new HttpError(409, "announcements:errors.notLive");
  const by = policy.user!;
  const { announcement, isPublished } = await services.sequelize.transaction(async (transaction) => {
    const existing = await Announcement.findOne({ where: { contentId: content.id }, transaction, lock: transaction.LOCK.UPDATE });
    const subject = (id: number) => ({ type: "announcement", id });
    const details = { contentId: content.id, requiresAck: options.requiresAck, expiresAt: options.expiresAt?.toISOString() ?? null };
    if (!existing) {
      const created = await Announcement.create({ contentId: content.id, createdBy: by.id, ...options }, { transaction });
      await audit(by, "announcement.published", subject(created.id), details, transaction);
      return { announcement: created, isPublished: true };
    }
    const wasRunning = existing.isRunning();
    // Asking for an acknowledgement now: those who only dismissed it see it again, to acknowledge it.
    if (options.requiresAck && !existing.requiresAck) {
      await AnnouncementReceipt.destroy({ where: { announcementId: existing.id, acknowledgedAt: null }, transaction });
    }
    await existing.update({ ...options, endedAt: null }, { transaction });
    await audit(by, wasRunning ? "announcement.updated" : "announcement.published", subject(existing.id), details, transaction);
    return { announcement: existing, isPublished: !wasRunning };
  });
  if (isPublished) await services.registry.hooks.emit("announcement.published", { announcement, content, by });
  return announcement;
}

/** Stops announcing: the content stays where it is, the announcement and its receipts stay for the record. */
export async function endAnnouncement(services: AnnouncementServices, policy: ContentPolicy, announcement: Announcement, content: Content): Promise<void> {
  if (!(await policy.canManage(content))) throw forbidden("announcements:errors.notManager");
  if (announcement.endedAt) return;
  const by = policy.user!;
  await services.sequelize.transaction(async (transaction) => {
    await announcement.update({ endedAt: new Date() }, { transaction });
    await audit(by, "announcement.ended", { type: "announcement", id: announcement.id }, { contentId: content.id }, transaction);
  });
}
