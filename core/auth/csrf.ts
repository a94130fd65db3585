import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Middleware } from "koa";
import { HttpError } from "../http/errors.ts";
import type { AppContextExtras, AppState } from "../http/context.ts";

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

function sameToken(a: string, b: string) {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * A per-session token required on every state-changing request: in the `_csrf` form field, the
 * X-CSRF-Token header, or (multipart forms, parsed later) the `_csrf` query parameter.
 */
export function csrfProtection(): Middleware<AppState, AppContextExtras> {
  return async (ctx, next) => {
    if (!ctx.session) throw new Error("csrf needs a session");
    ctx.session.csrfSecret ??= randomBytes(24).toString("base64url");
    ctx.state.csrfToken = ctx.session.csrfSecret;
    if (!safeMethods.has(ctx.method)) {
      const sent = ctx.get("x-csrf-token") || ctx.state.body._csrf || (ctx.is("multipart") ? ctx.query._csrf : undefined);
      if (typeof sent !== "string" || !sameToken(sent, ctx.state.csrfToken)) throw new HttpError(403, "errors:csrf");
    }
    await next();
  };
}
