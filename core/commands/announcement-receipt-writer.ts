import type { Sequelize } from "sequelize";
import { Announcement, AnnouncementReceipt } from "../models/announcement.ts";
import type { Content } from "../models/content.ts";
import type { User } from "../models/user.ts";
import { isOwnAnnouncement } from "../content/announcements/lookup.ts";
import { HttpError } from "../http/errors.ts";
import { recordFirstMoment } from "../content/receipts.ts";

type Answer = "dismissedAt" | "acknowledgedAt";

/** Records a reader's answer once: a second click, or two at the same time, keep the first moment. */
async function recordAnswer(sequelize: Sequelize, announcement: Announcement, reader: User, answer: Answer) {
  await sequelize.transaction(async (transaction) => {
    const key = { announcementId: announcement.id, userId: reader.id };
    await AnnouncementReceipt.bulkCreate([key], { ignoreDuplicates: true, transaction });
    // The receipt code modules' read receipts share (core/content/receipts.ts).
    await recordFirstMoment(sequelize, "announcement_receipts", answer === "acknowledgedAt" ? "acknowledged_at" : "dismissed_at", { announcement_id: announcement.id, user_id: reader.id }, transaction);
  });
}

/** "I have read this": the announcement leaves the reader's pages and counts as read on the receipt page. */
export function acknowledgeAnnouncement(services: { sequelize: Sequelize }, announcement: Announcement, reader: User) {
  return recordAnswer(services.sequelize, announcement, reader, "acknowledgedAt");
}

/**
 * Hides the announcement for this reader; one that asks for an acknowledgement must be acknowledged instead,
 * except by whoever wrote or announced it (they are not asked).
 */
export async function dismissAnnouncement(services: { sequelize: Sequelize }, announcement: Announcement, content: Content, reader: User) {
  if (announcement.requiresAck && !isOwnAnnouncement(announcement, content, reader.id)) {
    const receipt = await AnnouncementReceipt.findOne({ where: { announcementId: announcement.id, userId: reader.id } });
    if (!receipt?.acknowledgedAt) throw new HttpError(409, "announcements:errors.acknowledgeFirst");
  }
  await recordAnswer(services.sequelize, announcement, reader, "dismissedAt");
}
