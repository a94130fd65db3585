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
import { directoryManagedFields, type ManagedField } from "../auth/ldap/managed-fields.ts";

// "" follows the browser's language.
const languageField = z.union([z.literal(""), accountFields.language]).transform((value) => value || null);
const profileForm = z.object({ displayName: accountFields.displayName, language: languageField });
const passwordForm = z
  .object({ currentPassword: z.string().min(1, "validation:required").max(1024, "validation:tooLong"), password: accountFields.password, passwordConfirm: z.string() })
  .refine((form) => form.password === form.passwordConfirm, { message: "validation:passwordMismatch", path: ["passwordConfirm"] });

export function accountRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  const settingsPage = async (ctx: AppContext, managed?: Set<ManagedField>) => {
    const user = ctx.state.user!;
    managed ??= await directoryManagedFields(services.config, user);
    return {
      languageOptions: [{ value: "", label: ctx.state.t("account:profile.languageBrowser") }, ...languageOptions],
      hasLocalPassword: user.authSource === "local",
      // The stored values of the fields the directory manages, shown read-only (the form has no inputs for them).
      directory: managed.size > 0 ? { managed: Object.fromEntries([...managed].map((field) => [field, true])), displayName: user.displayName, email: user.email } : null,
    };
  };

  router.get("/account", requireUser, async (ctx) => {
    const user = ctx.state.user!;
    await ctx.render("account/settings.njk", { ...(await settingsPage(ctx)), values: { displayName: user.displayName, language: user.language ?? "" }, errors: {} });
  });

  router.post("/account", requireUser, async (ctx) => {
    const user = ctx.state.user!;
    const managed = await directoryManagedFields(services.config, user);
    // A directory account's name is the directory's (the next sign-in would undo a change): a forged
    // POST of it is neither validated nor obeyed, the stored name stays.
    const schema = managed.has("displayName") ? profileForm.extend({ displayName: z.unknown().transform((): string => user.displayName) }) : profileForm;
    const { data, errors } = validateForm(schema, ctx.state.body);
    if (!data) return renderInvalid(ctx, "account/settings.njk", errors, await settingsPage(ctx, managed));
    await updateProfile(user, { displayName: data.displayName, language: data.language });
    flash(ctx, "success", "account:profile.saved");
    ctx.redirect("/account");
  });

  router.post("/account/password", requireUser, async (ctx) => {
    const user = ctx.state.user!;
    if (user.authSource !== "local") throw forbidden("account:password.directory");
    const profileValues = { displayName: user.displayName, language: user.language ?? "" };
    const invalid = (errors: Record<string, string>) => {
      ctx.status = 422;
      return settingsPage(ctx).then((page) => ctx.render("account/settings.njk", { ...page, values: profileValues, passwordErrors: errors, errors: {} })).then(() => {
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
