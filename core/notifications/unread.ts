import { QueryTypes } from "sequelize";
import { Notification } from "../models/notification.ts";

/** Counting stops here: the bell shows "99+", and a long backlog never makes the count slow. */
export const unreadCap = 100;

/** Unread listed notifications of a person, on the (user_id, read_at) index, capped. */
export async function unreadCount(userId: number): Promise<number> {
  const [row] = await Notification.sequelize!.query<{ count: number | string }>(
    `SELECT COUNT(*) AS count FROM (SELECT 1 FROM notifications WHERE user_id = :userId AND read_at IS NULL AND is_listed = :isListed LIMIT :cap) unread`,
    { replacements: { userId, isListed: true, cap: unreadCap }, type: QueryTypes.SELECT },
  );
  return Number(row?.count ?? 0);
}

const perRequest = new WeakMap<object, Promise<number>>();

/** The bell's count for the page being rendered: one query per request, however often it is asked. */
export function unreadCountFor(request: object, userId: number): Promise<number> {
  let count = perRequest.get(request);
  if (!count) {
    count = unreadCount(userId);
    perRequest.set(request, count);
  }
  return count;
}
