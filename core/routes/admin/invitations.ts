import Router from "@koa/router";
import { Op } from "sequelize";
import { z } from "zod";
import type { AppContext, AppContextExtras, AppState } from "../../http/context.ts";
import type { AppServices } from "../../services.ts";
import { Invitation } from "../../models/invitation.ts";
import { User, instanceRoles } from "../../models/user.ts";
import { AlreadyMemberError, invitationEmails, revokeInvitation, sendInvitations } from "../../commands/invitation-sender.ts";
import { renderInvalid, validateForm } from "../form.ts";
import { flash } from "../../views/render.ts";

const pageSize = 25;
const inviteForm = z.object({ emails: invitationEmails, role: z.enum(instanceRoles).default("member") });
const listQuery = z.object({ before: z.coerce.number().int().positive().optional() });

/** One page of invitations, newest first, keyset-paginated on the primary key. */
async function invitationPage(before: number | undefined) {
  const rows = await Invitation.findAll({ where: before ? { id: { [Op.lt]: before } } : {}, order: [["id", "DESC"]], limit: pageSize + 1 });
  const page = rows.slice(0, pageSize);
  const inviterIds = [...new Set(page.map((row) => row.invitedById).filter((id): id is number => id !== null))];
  const inviters = new Map((await User.findAll({ where: { id: { [Op.in]: inviterIds } }, attributes: ["id", "displayName"] })).map((user) => [user.id, user.displayName]));
  const now = Date.now();
  return {
    invitations: page.map((row) => ({
      id: row.id,
      email: row.email,
      role: row.role,
      inviter: row.invitedById ? (inviters.get(row.invitedById) ?? "") : "",
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      acceptedAt: row.acceptedAt,
      state: row.acceptedAt ? "accepted" : row.expiresAt.getTime() < now ? "expired" : "pending",
    })),
    nextBefore: rows.length > pageSize ? page[page.length - 1].id : null,
  };
}

export function invitationRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  const roleOptions = (ctx: AppContext) => instanceRoles.map((role) => ({ value: role, label: ctx.state.t(`invitations:roles.${role}`) }));
  const listLocals = async (ctx: AppContext) => ({ ...(await invitationPage(listQuery.safeParse(ctx.query).data?.before)), roleOptions: roleOptions(ctx), isFirstPage: !ctx.query.before });

  router.get("/admin/invitations", async (ctx) => {
    await ctx.render("admin/invitations.njk", { ...(await listLocals(ctx)), values: { role: "member" }, errors: {} });
  });

  router.post("/admin/invitations", async (ctx) => {
    const { data, errors } = validateForm(inviteForm, ctx.state.body);
    if (!data) return renderInvalid(ctx, "admin/invitations.njk", errors, await listLocals(ctx));
    try {
      const results = await sendInvitations(services, ctx.state.user!, data.emails, data.role);
      const failed = results.filter((result) => !result.isSent);
      // Rendered, not redirected: links whose mail failed are shown once, for the admin to pass on.
      // (Flashes queued before ctx.render appear on this very page.)
      if (failed.length > 0) flash(ctx, "error", "invitations:sent.failed", { count: failed.length });
      if (failed.length < results.length) flash(ctx, "success", "invitations:sent.ok", { count: results.length - failed.length });
      await ctx.render("admin/invitations.njk", { ...(await listLocals(ctx)), values: { role: data.role }, errors: {}, failed });
    } catch (error) {
      if (error instanceof AlreadyMemberError) return renderInvalid(ctx, "admin/invitations.njk", { emails: error.message }, { ...(await listLocals(ctx)), existing: error.emails });
      throw error;
    }
  });

  router.post("/admin/invitations/:id/revoke", async (ctx) => {
    const id = z.coerce.number().int().positive().safeParse(ctx.params.id);
    const isRevoked = id.success && (await revokeInvitation(ctx.state.user!, id.data));
    flash(ctx, isRevoked ? "success" : "error", isRevoked ? "invitations:revoked" : "invitations:errors.notPending");
    ctx.redirect("/admin/invitations");
  });
  return router;
}
