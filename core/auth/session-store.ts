import type { Context } from "koa";
import { literal, Op } from "sequelize";
import { renderEpochSql } from "../db/render-versions.ts";
import { unreadCountSql } from "../notifications/unread.ts";
import { Session } from "../models/session.ts";
import type { AppState } from "../http/context.ts";

interface StoredSession {
  userId?: number;
  [key: string]: unknown;
}

/** koa-session's external store over the `sessions` table; the user id is a column so sessions can be ended per user. */
export const sessionStore = {
  async get(key: string, _maxAge?: unknown, options?: { ctx?: Context }): Promise<StoredSession | undefined> {
    // The account comes with the session (one query, not two); core/auth/current-user.ts takes it from here.
    // So do what every page needs besides: the render epoch, read before anything the page shows
    // (core/content/cached-entries.ts), and the bell's unread count.
    const row = await Session.findByPk(key, {
      include: { association: "user", attributes: { include: [[literal(renderEpochSql), "renderEpoch"], [literal(unreadCountSql('"Session"."user_id"')), "unreadCount"]] } },
    });
    if (!row || row.expiresAt.getTime() < Date.now()) return undefined;
    if (options?.ctx) {
      const state = options.ctx.state as AppState;
      state.sessionUser = row.user ?? null;
      const epoch = row.user?.get("renderEpoch");
      if (epoch !== undefined && epoch !== null) state.renderEpoch = String(epoch);
      const unread = row.user?.get("unreadCount");
      if (unread !== undefined && unread !== null) state.unreadCount = Number(unread);
    }
    return JSON.parse(row.data) as StoredSession;
  },
  async set(key: string, session: StoredSession, maxAge: number | "session" | undefined) {
    const lifetime = typeof maxAge === "number" ? maxAge : 24 * 3600 * 1000;
    const { _expire, _maxAge, ...data } = session;
    await Session.upsert({ id: key, userId: typeof session.userId === "number" ? session.userId : null, data: JSON.stringify(data), expiresAt: new Date(Date.now() + lifetime) });
  },
  async destroy(key: string) {
    await Session.destroy({ where: { id: key } });
  },
};

/** Ends every session of a user (disabled account, password reset). */
export function endSessionsOf(userId: number, transaction?: import("sequelize").Transaction) {
  return Session.destroy({ where: { userId }, transaction });
}

export function deleteExpiredSessions() {
  return Session.destroy({ where: { expiresAt: { [Op.lt]: new Date() } } });
}
