import Router from "@koa/router";
import { z } from "zod";
import type { AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { HttpError } from "../http/errors.ts";
import { signOut } from "../auth/current-user.ts";
import { limitPostsPerIp } from "../auth/request-limiter.ts";
import { accountFields } from "../commands/user-creator.ts";
import { requestPasswordReset } from "../commands/password-reset-requester.ts";
import { ResetLinkInvalidError, findUsableReset, resetPassword } from "../commands/password-resetter.ts";
import { renderInvalid, validateForm } from "./form.ts";
import { flash } from "../views/render.ts";
import { isDirectoryConfigured, ldapSettingsOf } from "../auth/ldap/settings.ts";

const forgotForm = z.object({ email: accountFields.email });
const resetForm = z
  .object({ token: z.string(), password: accountFields.password, passwordConfirm: z.string() })
  .refine((form) => form.password === form.passwordConfirm, { message: "validation:passwordMismatch", path: ["passwordConfirm"] });

/** An unknown, used or expired link is a 410 page that offers to send a new one. */
async function usableReset(token: unknown) {
  try {
    return await findUsableReset(token);
  } catch (error) {
    if (error instanceof ResetLinkInvalidError) throw new HttpError(410, error.message);
    throw error;
  }
}

export function passwordRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();

  router.get("/password/forgot", async (ctx) => {
    // Directory accounts get no reset link (their password lives in the directory): say so before they ask.
    if (isDirectoryConfigured(await ldapSettingsOf(services.config).get())) flash(ctx, "info", "ldap:password.directory");
    await ctx.render("auth/password-forgot.njk", { values: {}, errors: {} });
  });

  // The answer is the same whether or not the address has an account: nothing to enumerate.
  router.post("/password/forgot", limitPostsPerIp("password_forgot", 10, 900), async (ctx) => {
    const { data, errors } = validateForm(forgotForm, ctx.state.body);
    if (!data) return renderInvalid(ctx, "auth/password-forgot.njk", errors);
    await requestPasswordReset(services, data.email);
    await ctx.render("auth/password-forgot.njk", { isSent: true, email: data.email });
  });

  router.get("/password/reset", async (ctx) => {
    await usableReset(ctx.query.token);
    await ctx.render("auth/password-reset.njk", { token: ctx.query.token, errors: {} });
  });

  router.post("/password/reset", async (ctx) => {
    await usableReset(ctx.state.body.token);
    const { data, errors } = validateForm(resetForm, ctx.state.body);
    if (!data) return renderInvalid(ctx, "auth/password-reset.njk", errors, { token: ctx.state.body.token });
    try {
      const user = await resetPassword(services, data.token, data.password);
      // The sessions are gone from the database; this browser's must not be written back.
      if (ctx.state.user?.id === user.id || ctx.session?.userId === user.id) signOut(ctx);
      await ctx.render("auth/password-reset.njk", { isDone: true });
    } catch (error) {
      if (error instanceof ResetLinkInvalidError) throw new HttpError(410, error.message);
      throw error;
    }
  });
  return router;
}
