import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Middleware } from "koa";
import { HttpError } from "../http/errors.ts";
import type { AppContextExtras, AppState } from "../http/context.ts";

/**
 * A light per-IP limit for anonymous forms that send mail or create accounts (registration, forgotten
 * password), so a script cannot flood inboxes or the users table. Kept in process memory.
 */
export function limitPostsPerIp(keyPrefix: string, points: number, durationSeconds: number): Middleware<AppState, AppContextExtras> {
  const limiter = new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
  return async (ctx, next) => {
    if (ctx.method !== "POST") return next();
    try {
      await limiter.consume(ctx.ip);
    } catch (result) {
      if (!(result instanceof RateLimiterRes)) throw result;
      ctx.set("Retry-After", String(Math.ceil(result.msBeforeNext / 1000)));
      throw new HttpError(429);
    }
    await next();
  };
}
