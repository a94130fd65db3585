import Router from "@koa/router";
import { z } from "zod";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { HttpError, forbidden, notFound } from "../http/errors.ts";
import { requireUser, signIn } from "../auth/current-user.ts";
import { limitPostsPerIp } from "../auth/request-limiter.ts";
import { can } from "../policies/index.ts";
import { AccountTakenError, accountFields } from "../commands/user-creator.ts";
import { registerAccount } from "../commands/account-registrar.ts";
import { InvitationUnusableError, acceptInvitation, findUsableInvitation } from "../commands/invitation-acceptor.ts";
import { AlreadyMemberError, invitationEmails, sendInvitations } from "../commands/invitation-sender.ts";
import { renderInvalid, validateForm } from "./form.ts";
import { flash } from "../views/render.ts";

/** Language names in their own language, so anyone finds theirs. */
export const languageOptions = [
  { value: "en", label: "English" },
  { value: "fr", label: "Français" },
];

const personFields = {
  displayName: accountFields.displayName,
  password: accountFields.password,
  passwordConfirm: z.string(),
  language: accountFields.language,
};
const passwordsMatch = (form: { password: string; passwordConfirm: string }) => form.password === form.passwordConfirm;
const mismatch = { message: "validation:passwordMismatch", path: ["passwordConfirm"] };
const openForm = z.object({ ...personFields, email: accountFields.email }).refine(passwordsMatch, mismatch);
const invitedForm = z.object({ ...personFields, invite: z.string() }).refine(passwordsMatch, mismatch);
const inviteForm = z.object({ emails: invitationEmails });

/** A link that cannot be used is a clear page: unknown is a 404, expired or already used is gone (410). */
async function usableInvitation(token: unknown) {
  try {
    return await findUsableInvitation(token);
  } catch (error) {
    if (error instanceof InvitationUnusableError) throw new HttpError(error.reason === "unknown" ? 404 : 410, error.message);
    throw error;
  }
}

/** Self sign-up is refused with a page that says how to get in instead. */
function assertSelfRegistration(mode: string): asserts mode is "open" | "approval" {
  if (mode === "closed") throw notFound("register:closed");
  if (mode === "invite") throw forbidden("register:inviteOnly");
}

export function registerRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  const form = (ctx: AppContext, locals: Record<string, unknown>) => ctx.render("auth/register.njk", { languageOptions, errors: {}, ...locals });

  router.get("/register", async (ctx) => {
    if (ctx.state.user) return ctx.redirect("/");
    if (ctx.query.invite !== undefined) {
      const invitation = await usableInvitation(ctx.query.invite);
      return form(ctx, { invite: ctx.query.invite, values: { email: invitation.email, language: ctx.state.lang } });
    }
    const { registrationMode } = await services.settings.get();
    assertSelfRegistration(registrationMode);
    await form(ctx, { values: { language: ctx.state.lang }, isApproval: registrationMode === "approval" });
  });

  router.post("/register", limitPostsPerIp("register", 10, 3600), async (ctx) => {
    if (ctx.state.user) return ctx.redirect("/");
    if (ctx.state.body.invite !== undefined) return registerInvited(ctx);
    const { registrationMode } = await services.settings.get();
    assertSelfRegistration(registrationMode);
    const { data, errors } = validateForm(openForm, ctx.state.body);
    const locals = { languageOptions, isApproval: registrationMode === "approval" };
    if (!data) return renderInvalid(ctx, "auth/register.njk", errors, locals);
    try {
      const user = await registerAccount(services, data, registrationMode);
      if (!user.isActive) return ctx.redirect("/register/pending");
      await signIn(ctx, user);
      flash(ctx, "success", "register:welcome", { name: user.displayName });
      ctx.redirect("/");
    } catch (error) {
      if (error instanceof AccountTakenError) return renderInvalid(ctx, "auth/register.njk", { [error.field]: error.message }, locals);
      throw error;
    }
  });

  async function registerInvited(ctx: AppContext) {
    const invitation = await usableInvitation(ctx.state.body.invite);
    const { data, errors } = validateForm(invitedForm, ctx.state.body);
    const locals = { languageOptions, invite: ctx.state.body.invite };
    const invalid = (fieldErrors: Record<string, string>) => {
      ctx.state.body.email = invitation.email;
      return renderInvalid(ctx, "auth/register.njk", fieldErrors, locals);
    };
    if (!data) return invalid(errors);
    try {
      const user = await acceptInvitation(services, data.invite, data);
      await signIn(ctx, user);
      flash(ctx, "success", "register:welcome", { name: user.displayName });
      ctx.redirect("/");
    } catch (error) {
      if (error instanceof AccountTakenError) return invalid({ form: "register:invite.accountExists" });
      if (error instanceof InvitationUnusableError) throw new HttpError(410, error.message);
      throw error;
    }
  }

  router.get("/register/pending", async (ctx) => {
    await ctx.render("auth/register.njk", { isPending: true });
  });

  // Colleagues invite colleagues in "invite" mode; admins invite from /admin/invitations in any mode.
  const requireInviter = async (ctx: AppContext, next: () => Promise<unknown>) => {
    const user = ctx.state.user!;
    if (user.isAdmin) return ctx.redirect("/admin/invitations");
    if (!(await can(services.registry, user, "users.invite"))) throw forbidden("invitations:errors.notAllowed");
    const { registrationMode } = await services.settings.get();
    if (registrationMode !== "invite") throw forbidden("invitations:errors.notInviteMode");
    await next();
  };

  router.get("/invite", requireUser, requireInviter, async (ctx) => {
    await ctx.render("invite.njk", { values: {}, errors: {} });
  });

  router.post("/invite", requireUser, requireInviter, async (ctx) => {
    const { data, errors } = validateForm(inviteForm, ctx.state.body);
    if (!data) return renderInvalid(ctx, "invite.njk", errors);
    try {
      const results = await sendInvitations(services, ctx.state.user!, data.emails, "member");
      await ctx.render("invite.njk", { values: {}, errors: {}, results, failed: results.filter((result) => !result.isSent) });
    } catch (error) {
      if (error instanceof AlreadyMemberError) return renderInvalid(ctx, "invite.njk", { emails: error.message }, { existing: error.emails });
      throw error;
    }
  });
  return router;
}
