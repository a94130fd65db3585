import Router from "@koa/router";
import type { AppContextExtras, AppState } from "../http/context.ts";
import { requireUser } from "../auth/current-user.ts";
import { User } from "../models/user.ts";
import { notFound } from "../http/errors.ts";

const usernamePattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** /u/:username: a person's profile. Disabled and pending accounts are not shown. */
export function profileRoutes() {
  const router = new Router<AppState, AppContextExtras>();
  router.get("/u/:username", requireUser, async (ctx) => {
    const username = ctx.params.username.toLowerCase();
    if (!usernamePattern.test(username)) throw notFound();
    const person = await User.findOne({ where: { username, status: "active" } });
    if (!person) throw notFound();
    await ctx.render("profile/show.njk", { person, isSelf: person.id === ctx.state.user!.id, title: person.displayName });
  });
  return router;
}
