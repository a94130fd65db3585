import { Op } from "sequelize";
import type { TFunction } from "i18next";
import { Content } from "../models/content.ts";
import type { Notification } from "../models/notification.ts";
import { User } from "../models/user.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import { ContentPolicy } from "../policies/content.ts";

/** A notification ready to show or mail, in the viewer's language. */
export interface NotificationLine {
  notification: Notification;
  actor: User | null;
  text: string;
  /** Null when the item is gone or the viewer may no longer read it: no title, no link. */
  url: string | null;
  isUnread: boolean;
}

/**
 * Turns a page of notifications into lines: actors and contents in one query each, and every content
 * checked again with the viewer's policy, so a notification never shows what they can no longer read.
 */
export async function presentNotifications(registry: ModuleRegistry, viewer: User, rows: Notification[], t: TFunction, policy = new ContentPolicy(registry, viewer)): Promise<NotificationLine[]> {
  const actorIds = [...new Set(rows.map((row) => row.actorId).filter((id): id is number => id !== null))];
  const contentIds = [...new Set(rows.map((row) => row.contentId).filter((id): id is number => id !== null))];
  const actors = new Map(actorIds.length ? (await User.findAll({ where: { id: { [Op.in]: actorIds } }, attributes: ["id", "displayName", "username", "status"] })).map((user) => [user.id, user]) : []);
  const contents = contentIds.length ? await Content.findAll({ where: { id: { [Op.in]: contentIds } } }) : [];
  const readable = new Set((await policy.filterReadable(contents)).filter((content) => content.isLive).map((content) => content.id));
  return rows.map((row) => {
    const actor = row.actorId ? (actors.get(row.actorId) ?? null) : null;
    const isAvailable = row.contentId === null || readable.has(row.contentId);
    const type = registry.notificationTypes.get(row.type);
    const key = row.messageKey ?? type?.message;
    const text = isAvailable && key
      ? t(key, { actor: actor?.displayName ?? t("notifications:someone"), count: Math.max(0, row.actorCount - 1), subject: row.subjectText ?? t("notifications:untitled") })
      : t("notifications:unavailable");
    return { notification: row, actor, text, url: isAvailable ? row.url : null, isUnread: row.readAt === null };
  });
}
