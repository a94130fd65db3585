import Router from "@koa/router";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import type { User } from "../models/user.ts";
import { requireUser, safeNext, signIn, signOut } from "../auth/current-user.ts";
import { authenticateLocalThenDirectory, type SignInFailure } from "../auth/ldap-strategy.ts";

const failureMessages: Record<SignInFailure, string> = {
  invalid: "auth:login.invalid",
  unavailable: "ldap:login.unavailable",
  pending: "auth:login.pending",
  disabled: "auth:login.disabled",
};

/** Runs a passport strategy and resolves with the user, or with why it refused. */
function authenticate(services: AppServices, strategy: string, ctx: AppContext): Promise<{ user: User | null; reason: SignInFailure }> {
  return new Promise((resolve, reject) => {
    (ctx.request as { body?: unknown }).body = ctx.state.body;
    const middleware = services.passport.authenticate(strategy, { session: false }, (error: unknown, user: User | false, info?: { message?: string }) => {
      if (error) return reject(error);
      resolve({ user: user || null, reason: (info?.message as SignInFailure) ?? "invalid" });
    });
    Promise.resolve(middleware(ctx as never, async () => {})).catch(reject);
  });
}

export function authRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();

  router.get("/login", async (ctx) => {
    if (ctx.state.user) return ctx.redirect(safeNext(ctx.query.next));
    const { registrationMode } = await services.settings.get();
    await ctx.render("auth/login.njk", { values: {}, next: safeNext(ctx.query.next), registrationMode });
  });

  router.post("/login", async (ctx) => {
    const login = String(ctx.state.body.login ?? "").trim().toLowerCase().slice(0, 254);
    const next = safeNext(ctx.state.body.next);
    const { registrationMode } = await services.settings.get();
    const retryAfter = await services.loginLimiter.retryAfter(login, ctx.ip);
    if (retryAfter > 0) {
      ctx.set("Retry-After", String(retryAfter));
      ctx.status = 429;
      return ctx.render("auth/login.njk", { values: { login }, next, registrationMode, error: "auth:login.locked", minutes: Math.ceil(retryAfter / 60) });
    }
    const { user, reason } = await authenticateLocalThenDirectory(services, String(ctx.state.body.login ?? ""), (strategy) => authenticate(services, strategy, ctx));
    if (!user) {
      if (reason === "invalid") await services.loginLimiter.recordFailure(login, ctx.ip);
      ctx.status = reason === "invalid" ? 401 : reason === "unavailable" ? 503 : 403;
      return ctx.render("auth/login.njk", { values: { login }, next, registrationMode, error: failureMessages[reason] });
    }
    await services.loginLimiter.recordSuccess(login);
    await signIn(ctx, user);
    await services.registry.hooks.emit("user.login", { user });
    ctx.redirect(next);
  });

  router.post("/logout", async (ctx) => {
    signOut(ctx);
    ctx.redirect("/login");
  });

  // A GET must not sign anyone out (a link or image could do it); explain instead.
  router.get("/logout", requireUser, async (ctx) => {
    await ctx.render("auth/logout.njk");
  });
  return router;
}
