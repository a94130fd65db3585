import Router from "@koa/router";
import type { Middleware } from "koa";
import { z } from "zod";
import type { AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import type { SettingsStore } from "../settings.ts";
import { accountFields } from "../commands/user-creator.ts";
import { completeSetup, SetupAlreadyDoneError } from "../commands/setup-completer.ts";
import { signIn } from "../auth/current-user.ts";
import { renderInvalid, validateForm } from "./form.ts";
import { flash } from "../views/render.ts";

/** Until setup is done every page leads to /setup; after it, /setup is gone. */
export function setupGate(settings: SettingsStore): Middleware<AppState, AppContextExtras> {
  return async (ctx, next) => {
    const { isSetupComplete } = await settings.get();
    if (!isSetupComplete && ctx.path !== "/setup") {
      if (ctx.accepts("html", "json") === "json") ctx.throw(503, "setup required");
      return ctx.redirect("/setup");
    }
    await next();
  };
}

const setupForm = z
  .object({
    siteName: z.string().trim().min(1, "validation:required").max(100, "validation:tooLong"),
    displayName: accountFields.displayName,
    email: accountFields.email,
    password: accountFields.password,
    passwordConfirm: z.string(),
    language: accountFields.language,
  })
  .refine((form) => form.password === form.passwordConfirm, { message: "validation:passwordMismatch", path: ["passwordConfirm"] });

export function setupRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  const isDone = async () => (await services.settings.get()).isSetupComplete;

  router.get("/setup", async (ctx) => {
    if (await isDone()) return ctx.redirect("/");
    await ctx.render("setup.njk", { values: { siteName: services.config.siteName, language: ctx.state.lang }, errors: {} });
  });

  router.post("/setup", async (ctx) => {
    if (await isDone()) return ctx.redirect("/");
    const { data, errors } = validateForm(setupForm, ctx.state.body);
    if (!data) return renderInvalid(ctx, "setup.njk", errors);
    try {
      const admin = await completeSetup(services, data);
      await signIn(ctx, admin);
      flash(ctx, "success", "setup:done");
      ctx.redirect("/");
    } catch (error) {
      if (error instanceof SetupAlreadyDoneError) return ctx.redirect("/login");
      throw error;
    }
  });
  return router;
}
