import Router from "@koa/router";
import type { AppContextExtras, AppState } from "../http/context.ts";
import { requireUser } from "../auth/current-user.ts";

/** The dashboard; the stream fills it in a later issue. */
export function homeRoutes() {
  const router = new Router<AppState, AppContextExtras>();
  router.get("/", requireUser, async (ctx) => {
    await ctx.render("home.njk");
  });
  return router;
}
