import { QueryTypes } from "sequelize";
import { Notification } from "../models/notification.ts";

/** Counting stops here: the bell shows "99+", and a long backlog never makes the count slow. */
export const unreadCap = 100;

/** The count as a scalar subquery for the person whose id is in `userIdColumn`, on the (user_id, read_at) index, capped. */
export function unreadCountSql(userIdColumn: string) {
  return `(SELECT COUNT(*) FROM (SELECT 1 FROM notifications WHERE user_id = ${userIdColumn} AND read_at IS NULL AND is_listed = TRUE LIMIT ${unreadCap}) unread)`;
}

/** Unread listed notifications of a person. */
export async function unreadCount(userId: number): Promise<number> {
  const [row] = await Notification.sequelize!.query<{ count: number | string }>(`SELECT ${unreadCountSql(":userId")} AS count`, {
    replacements: { userId },
    type: QueryTypes.SELECT,
  });
  return Number(row?.count ?? 0);
}

const perRequest = new WeakMap<object, Promise<number>>();

/**
 * The bell's count for the page being rendered: read with the session when it was (core/auth/session-store.ts),
 * else one query per request, however often it is asked.
 */
export function unreadCountFor(request: { state: { unreadCount?: number; sessionUser?: { id: number } | null } }, userId: number): Promise<number> {
  if (request.state.unreadCount !== undefined && request.state.sessionUser?.id === userId) return Promise.resolve(request.state.unreadCount);
  let count = perRequest.get(request);
  if (!count) {
    count = unreadCount(userId);
    perRequest.set(request, count);
  }
  return count;
}
