import { Op } from "sequelize";
import { Notification } from "../models/notification.ts";
import type { StreamCursor } from "../content/stream.ts";

export const notificationPageSize = 20;

/** A person's notifications, newest activity first, by keyset on the (user_id, sort_at, id) index. */
export async function notificationPage(userId: number, before: StreamCursor | null, limit = notificationPageSize): Promise<{ rows: Notification[]; next: StreamCursor | null }> {
  const older = before ? { [Op.or]: [{ sortAt: { [Op.lt]: before.sortAt } }, { sortAt: before.sortAt, id: { [Op.lt]: before.id } }] } : {};
  const rows = await Notification.findAll({
    where: { userId, isListed: true, ...older },
    order: [["sortAt", "DESC"], ["id", "DESC"]],
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? { sortAt: last.sortAt, id: last.id } : null };
}

/** Marks one of the person's notifications read; false when it is not theirs. */
export async function markRead(userId: number, id: number): Promise<Notification | null> {
  const notification = await Notification.findOne({ where: { id, userId } });
  if (notification && !notification.readAt) await notification.update({ readAt: new Date() });
  return notification;
}

/** Marks read everything that was there when the page was shown (not what arrived since). */
export async function markAllRead(userId: number, upTo: Date): Promise<void> {
  await Notification.update({ readAt: new Date() }, { where: { userId, readAt: null, sortAt: { [Op.lte]: upTo } } });
}
