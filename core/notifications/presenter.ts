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

type ContainerRow = Notification & { containerType: string; containerId: number };

/**
 * Rows about a container and no content (an invitation) whose container the viewer may no longer know of:
 * asked of the type (one call per type and container type on the page), else the container's read rule.
 */
async function hiddenContainerRows(registry: ModuleRegistry, viewer: User, rows: Notification[], policy: ContentPolicy): Promise<Set<number>> {
  const byQuestion = new Map<string, ContainerRow[]>();
  for (const row of rows) {
    if (row.contentId !== null || row.containerType === null || row.containerId === null) continue;
    const key = `${row.type}|${row.containerType}`;
    byQuestion.set(key, [...(byQuestion.get(key) ?? []), row as ContainerRow]);
  }
  const hidden = new Set<number>();
  for (const group of byQuestion.values()) {
    const { type: typeId, containerType } = group[0];
    const ids = [...new Set(group.map((row) => row.containerId))];
    const type = registry.notificationTypes.get(typeId);
    const visible = type?.visibleContainers ? await type.visibleContainers(viewer, containerType, ids) : await readableAmong(policy, containerType, ids);
    for (const row of group) if (!visible.has(row.containerId)) hidden.add(row.id);
  }
  return hidden;
}

async function readableAmong(policy: ContentPolicy, containerType: string, ids: number[]): Promise<Set<number>> {
  const readable = await policy.readableIds(containerType);
  return new Set(ids.filter((id) => readable === "all" || readable.has(id)));
}

/**
 * Turns a page of notifications into lines: actors and contents in one query each, and every content
 * checked again with the viewer's policy, so a notification never shows what they can no longer read;
 * one about a container they may no longer know of (a revoked invitation, a removed member's secret group)
 * shows neither its name nor its link.
 */
export async function presentNotifications(registry: ModuleRegistry, viewer: User, rows: Notification[], t: TFunction, policy = new ContentPolicy(registry, viewer)): Promise<NotificationLine[]> {
  const actorIds = [...new Set(rows.map((row) => row.actorId).filter((id): id is number => id !== null))];
  const contentIds = [...new Set(rows.map((row) => row.contentId).filter((id): id is number => id !== null))];
  const actors = new Map(actorIds.length ? (await User.findAll({ where: { id: { [Op.in]: actorIds } }, attributes: ["id", "displayName", "username", "status", "photoKey"] })).map((user) => [user.id, user]) : []);
  const contents = contentIds.length ? await Content.findAll({ where: { id: { [Op.in]: contentIds } } }) : [];
  const live = (await policy.filterReadable(contents)).filter((content) => content.isLive);
  // And shown to them by their type (a documents upload whose files all went into a folder for moderators only).
  const readable = await registry.contentsShownTo(live, viewer);
  const hidden = await hiddenContainerRows(registry, viewer, rows, policy);
  return rows.map((row) => {
    const actor = row.actorId ? (actors.get(row.actorId) ?? null) : null;
    const isAvailable = (row.contentId === null || readable.has(row.contentId)) && !hidden.has(row.id);
    const type = registry.notificationTypes.get(row.type);
    const key = row.messageKey ?? type?.message;
    const text = isAvailable && key
      ? t(key, { actor: actor?.displayName ?? t("notifications:someone"), count: Math.max(0, row.actorCount - 1), subject: row.subjectText ?? t("notifications:untitled") })
      : t("notifications:unavailable");
    return { notification: row, actor, text, url: isAvailable ? row.url : null, isUnread: row.readAt === null };
  });
}
