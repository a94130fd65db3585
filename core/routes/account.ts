import Router from "@koa/router";
import { z } from "zod";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { forbidden } from "../http/errors.ts";
import { requireUser, signIn } from "../auth/current-user.ts";
import { accountFields } from "../commands/user-creator.ts";
import { WrongPasswordError, changePassword, updateProfile } from "../commands/account-updater.ts";
import { renderInvalid, validateForm } from "./form.ts";
import { flash } from "../views/render.ts";
import { languageOptions } from "./register.ts";

const profileForm = z.object({
  displayName: accountFields.displayName,
  // "" follows the browser's language.
  language: z.union([z.literal(""), accountFields.language]).transform((value) => value || null),
});
const passwordForm = z
  .object({ currentPassword: z.string().min(1, "validation:required").max(1024, "validation:tooLong"), password: accountFields.password, passwordConfirm: z.string() })
  .refine((form) => form.password === form.passwordConfirm, { message: "validation:passwordMismatch", path: ["passwordConfirm"] });

export function accountRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  const settingsPage = (ctx: AppContext) => {
    const user = ctx.state.user!;
    return {
      languageOptions: [{ value: "", label: ctx.state.t("account:profile.languageBrowser") }, ...languageOptions],
      hasLocalPassword: user.authSource === "local",
    };
  };

  router.get("/account", requireUser, async (ctx) => {
    const user = ctx.state.user!;
    await ctx.render("account/settings.njk", { ...settingsPage(ctx), values: { displayName: user.displayName, language: user.language ?? "" }, errors: {} });
  });

  router.post("/account", requireUser, async (ctx) => {
    const { data, errors } = validateForm(profileForm, ctx.state.body);
    if (!data) return renderInvalid(ctx, "account/settings.njk", errors, settingsPage(ctx));
    await updateProfile(ctx.state.user!, data);
    flash(ctx, "success", "account:profile.saved");
    ctx.redirect("/account");
  });

  router.post("/account/password", requireUser, async (ctx) => {
    const user = ctx.state.user!;
    if (user.authSource !== "local") throw forbidden("account:password.directory");
    const profileValues = { displayName: user.displayName, language: user.language ?? "" };
    const invalid = (errors: Record<string, string>) => {
      ctx.status = 422;
      return ctx.render("account/settings.njk", { ...settingsPage(ctx), values: profileValues, passwordErrors: errors, errors: {} }).then(() => {
        ctx.status = 422;
      });
    };
    const { data, errors } = validateForm(passwordForm, ctx.state.body);
    if (!data) return invalid(errors);
    const retryAfter = await services.loginLimiter.retryAfter(user.email, ctx.ip);
    if (retryAfter > 0) {
      ctx.set("Retry-After", String(retryAfter));
      ctx.status = 429;
      return invalid({ currentPassword: "account:password.tooManyAttempts" }).then(() => {
        ctx.status = 429;
      });
    }
    try {
      await changePassword(services, user, data.currentPassword, data.password);
    } catch (error) {
      if (!(error instanceof WrongPasswordError)) throw error;
      // A stolen session must not become a password-guessing oracle: wrong guesses count like logins.
      await services.loginLimiter.recordFailure(user.email, ctx.ip);
      return invalid({ currentPassword: error.message });
    }
    // Every session ended, this one included; this browser continues in a fresh one.
    await signIn(ctx, user);
    flash(ctx, "success", "account:password.changed");
    ctx.redirect("/account");
  });
  return router;
}
