import type { Middleware } from "koa";
import { User } from "../models/user.ts";
import { forbidden, HttpError } from "../http/errors.ts";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";

/** Loads the signed-in user; a session whose account is gone or no longer active is ended here. */
export function currentUser(): Middleware<AppState, AppContextExtras> {
  return async (ctx, next) => {
    ctx.state.user = null;
    const userId = ctx.session?.userId;
    if (typeof userId === "number") {
      const loaded = ctx.state.sessionUser;
      const user = loaded && loaded.id === userId ? loaded : await User.findByPk(userId);
      if (user?.isActive) ctx.state.user = user;
      else {
        // The account is gone or no longer active: drop its stored session and go on with a fresh
        // anonymous one (CSRF needs a session object).
        delete ctx.session!.userId;
        await (ctx.session as unknown as { regenerate(): Promise<void> }).regenerate();
      }
    }
    await next();
  };
}

/** Starts a signed-in session under a new id, so a session id known before login is worthless after it. */
export async function signIn(ctx: AppContext, user: User) {
  const csrfSecret = ctx.session?.csrfSecret;
  await (ctx.session as unknown as { regenerate(): Promise<void> }).regenerate();
  ctx.session!.userId = user.id;
  if (csrfSecret) ctx.session!.csrfSecret = csrfSecret;
  ctx.state.user = user;
  await user.update({ lastLoginAt: new Date() });
}

export function signOut(ctx: AppContext) {
  ctx.session = null;
  ctx.state.user = null;
}

/** Route guard: anonymous visitors go to the login page (or get 401 as JSON), then come back. */
export const requireUser: Middleware<AppState, AppContextExtras> = async (ctx, next) => {
  if (!ctx.state.user) {
    if (ctx.accepts("html", "json") === "json") throw new HttpError(401, "errors:status.401");
    ctx.redirect(`/login?next=${encodeURIComponent(ctx.originalUrl)}`);
    return;
  }
  await next();
};

export const requireAdmin: Middleware<AppState, AppContextExtras> = async (ctx, next) => {
  if (!ctx.state.user) return requireUser(ctx, next);
  if (!ctx.state.user.isAdmin) throw forbidden();
  await next();
};

/** Only local paths: an open redirect through ?next= would send users to a phishing page. */
export function safeNext(value: unknown): string {
  return typeof value === "string" && /^\/(?![/\\])/.test(value) ? value : "/";
}
