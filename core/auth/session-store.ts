import type { Context } from "koa";
import { Op } from "sequelize";
import { columnDate, modelRows, takeColumn } from "../db/model-rows.ts";
import { renderEpochSql } from "../db/render-versions.ts";
import { unreadCountSql } from "../notifications/unread.ts";
import { Session } from "../models/session.ts";
import { User } from "../models/user.ts";
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
    // (core/content/cached-entries.ts), and the bell's unread count. Plain SQL mapped onto User: Sequelize's
    // findByPk with an include cost ~1 ms more per request (bench/RESULTS.md).
    const rows = await modelRows(
      User,
      `SELECT u.*, s.data AS agora_session_data, s.expires_at AS agora_session_expires_at,
              ${renderEpochSql} AS agora_render_epoch, ${unreadCountSql("s.user_id")} AS agora_unread_count
       FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id = :key`,
      { key },
    );
    const row = rows[0];
    if (!row) return undefined;
    const data = String(takeColumn(row, "agora_session_data"));
    const expiresAt = columnDate(takeColumn(row, "agora_session_expires_at"));
    const epoch = takeColumn(row, "agora_render_epoch");
    const unread = takeColumn(row, "agora_unread_count");
    if (!(expiresAt && expiresAt.getTime() >= Date.now())) return undefined;
    if (options?.ctx) {
      const state = options.ctx.state as AppState;
      state.sessionUser = row.id === null || row.id === undefined ? null : row;
      if (epoch !== undefined && epoch !== null) state.renderEpoch = String(epoch);
      if (state.sessionUser && unread !== undefined && unread !== null) state.unreadCount = Number(unread);
    }
    return JSON.parse(data) as StoredSession;
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
