import type Router from "@koa/router";
import type { ParameterizedContext } from "koa";
import type { TFunction } from "i18next";
import type { Language } from "../../config/index.ts";
import type { User } from "../models/user.ts";
import type { Container } from "../modules/container-types.ts";
import type { PageBytes } from "../views/page-bytes.ts";

/** What every request carries in ctx.state, filled by core middleware before any route runs. */
export interface AppState {
  requestId: string;
  user: User | null;
  lang: Language;
  t: TFunction;
  csrfToken: string;
  /** The account read with the stored session (core/auth/session-store.ts), for currentUser to use. */
  sessionUser?: User | null;
  /** The database's render epoch, read with the session at the start of the request (core/db/render-versions.ts). */
  renderEpoch?: string;
  /** The bell's count, read with the session (core/notifications/unread.ts). */
  unreadCount?: number;
  container?: Container;
  /** Request body parsed by core/http/body.ts (forms and JSON). */
  body: Record<string, unknown>;
  /** Cached stream entries the page being rendered prints as bytes (core/content/cached-entries.ts). */
  pageBytes?: PageBytes;
}

export interface AppContextExtras {
  render(template: string, locals?: Record<string, unknown>): Promise<void>;
  session: (Record<string, unknown> & { userId?: number; csrfSecret?: string; flash?: Flash[] }) | null;
}

export interface Flash {
  kind: "success" | "error" | "info";
  /** Translation key; params are interpolated. */
  message: string;
  params?: Record<string, string | number>;
}

export type AppContext = ParameterizedContext<AppState, AppContextExtras>;
export type AppRouter = Router<AppState, AppContextExtras>;
