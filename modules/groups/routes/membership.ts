import Router from "@koa/router";
import { type AppContext, type AppContextExtras, type AppState, type Host, requireUser, safeNext, HttpError, forbidden, validateForm, flash } from "../../../core/sdk/index.ts";
import { containerOf } from "../models/group.ts";
import { inviteForm, leaveForm, preferencesForm, requestForm, roleForm } from "../forms.ts";
import { invitePermission, type GroupAccess } from "../access.ts";
import { changeRole, decideRequest, handOverAndLeave, isSoleOwner, join, leave, removeMember, requestToJoin, updatePreferences, withdrawRequest } from "../commands/membership-writer.ts";
import { handOverCandidates } from "../queries/members.ts";
import { acceptInvitation, declineInvitation, invite, parseInvitees, revokeInvitation } from "../commands/invitation-writer.ts";
import { groupLocals, groupOf, numberParam, readableGroupOf, type RouteContext } from "./context.ts";
import { emitGroupEvent } from "../events.ts";

/** A form that fails validation on these small POSTs is a 422 with the first error, nothing changed. */
function formData<T>(result: { data: T; errors: null } | { data: null; errors: Record<string, string> }): T {
  if (!result.data) throw new HttpError(422, Object.values(result.errors!)[0] ?? "validation:invalid");
  return result.data;
}

/** Join, leave, requests, invitations, roles and the member's own preferences: POST forms that redirect back. */
export function membershipRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/g/:slug" });
  const back = (ctx: AppContext, access: GroupAccess, path = "") => ctx.redirect(`${access.group.url}${path}`);

  router.post("/join", requireUser, async (ctx) => {
    const access = await groupOf(ctx);
    if (await join(access, ctx.state.user!)) await emitGroupEvent(host, "groups.member.joined", { group: containerOf(access.group), userId: ctx.state.user!.id });
    flash(ctx, "success", "groups:membership.joined", { name: access.group.name });
    // From the dashboard's groups to join (first-day.ts): back there.
    if (typeof ctx.state.body.returnTo === "string") ctx.redirect(safeNext(ctx.state.body.returnTo));
    else back(ctx, access);
  });

  /** The leave page: a plain confirmation, or for a sole owner why they cannot just leave and whom to hand the group to. */
  async function renderLeave(ctx: RouteContext, access: GroupAccess, error: string | null = null, status = 200) {
    if (!access.membership) throw new HttpError(409, "groups:errors.notMember");
    const soleOwner = await isSoleOwner(access);
    const candidates = soleOwner ? await handOverCandidates(host.sequelize, access.group.id, ctx.state.user!.id) : [];
    ctx.status = status;
    await ctx.render("groups/leave.njk", { ...(await groupLocals(ctx, host, access, "leave")), soleOwner, candidates, error, isFromDirectory: access.membership.source === "directory" });
    ctx.status = status;
  }

  router.get("/leave", requireUser, async (ctx) => {
    await renderLeave(ctx, await groupOf(ctx));
  });

  router.post("/leave", requireUser, async (ctx) => {
    const access = await groupOf(ctx);
    const { data } = validateForm(leaveForm, ctx.state.body);
    if (!data) return renderLeave(ctx, access, "groups:leave.notAMember", 422);
    try {
      if (data.newOwner) await handOverAndLeave(access, ctx.state.user!, data.newOwner);
      else await leave(access, ctx.state.user!);
    } catch (error) {
      // The last owner (or a bad choice of successor) gets the leave page with the reason and the hand-over form, not a bare error.
      if (error instanceof HttpError && access.membership && [409, 422].includes(error.status) && error.messageKey !== "groups:errors.notMember") {
        return renderLeave(ctx, access, error.messageKey ?? null, error.status);
      }
      throw error;
    }
    flash(ctx, "success", data.newOwner ? "groups:leave.handedOver" : "groups:membership.left", { name: access.group.name });
    ctx.redirect(access.group.visibility === "open" ? access.group.url : "/groups");
  });

  router.post("/request", requireUser, async (ctx) => {
    const access = await groupOf(ctx);
    const { message } = formData(validateForm(requestForm, ctx.state.body));
    if (await requestToJoin(access, ctx.state.user!, message)) await emitGroupEvent(host, "groups.requested", { group: containerOf(access.group), userId: ctx.state.user!.id });
    flash(ctx, "success", "groups:membership.requested");
    back(ctx, access);
  });

  router.post("/request/withdraw", requireUser, async (ctx) => {
    const access = await groupOf(ctx);
    await withdrawRequest(access, ctx.state.user!);
    flash(ctx, "success", "groups:membership.withdrawn");
    back(ctx, access);
  });

  router.post("/requests/:id/:decision", requireUser, async (ctx) => {
    const access = await readableGroupOf(ctx);
    const decision = ctx.params.decision;
    if (decision !== "approve" && decision !== "decline") throw new HttpError(404);
    const request = await decideRequest(access, ctx.state.user!, numberParam(ctx.params.id), decision === "approve");
    if (decision === "approve") await emitGroupEvent(host, "groups.request.approved", { group: containerOf(access.group), userId: request.userId, by: ctx.state.user! });
    flash(ctx, "success", decision === "approve" ? "groups:requests.approved" : "groups:requests.declined");
    back(ctx, access, "/members");
  });

  router.post("/invitation/accept", requireUser, async (ctx) => {
    const access = await groupOf(ctx);
    if (await acceptInvitation(access, ctx.state.user!)) await emitGroupEvent(host, "groups.member.joined", { group: containerOf(access.group), userId: ctx.state.user!.id });
    flash(ctx, "success", "groups:membership.joined", { name: access.group.name });
    back(ctx, access);
  });

  router.post("/invitation/decline", requireUser, async (ctx) => {
    const access = await groupOf(ctx);
    await declineInvitation(access, ctx.state.user!);
    flash(ctx, "success", "groups:invitations.declined");
    ctx.redirect("/groups");
  });

  router.post("/invitations", requireUser, async (ctx) => {
    const access = await readableGroupOf(ctx);
    const user = ctx.state.user!;
    if (!(await host.can(user, invitePermission, containerOf(access.group)))) throw forbidden();
    if (access.group.isArchived) throw forbidden("groups:errors.archived");
    const { people } = formData(validateForm(inviteForm, ctx.state.body));
    const result = await invite(access, user, parseInvitees(people), host.mail);
    if (result.unknown.length) {
      ctx.status = 422;
      await ctx.render("groups/invite-refused.njk", { ...(await groupLocals(ctx, host, access, "members")), people, unknown: result.unknown });
      ctx.status = 422;
      return;
    }
    for (const invitee of result.invited) await emitGroupEvent(host, "groups.invited", { group: containerOf(access.group), userId: invitee.id, email: null, by: user });
    for (const link of result.links) await emitGroupEvent(host, "groups.invited", { group: containerOf(access.group), userId: null, email: link.email, by: user });
    if (result.invited.length) flash(ctx, "success", "groups:invitations.sent", { count: result.invited.length });
    if (result.alreadyMembers.length) flash(ctx, "info", "groups:invitations.alreadyMembers", { names: result.alreadyMembers.map((u) => u.displayName).join(", ") });
    for (const link of result.links) flash(ctx, "info", "groups:invitations.link", { email: link.email, url: `${ctx.origin}/groups/invitations/${link.token}` });
    back(ctx, access, "/members");
  });

  router.post("/invitations/:id/revoke", requireUser, async (ctx) => {
    const access = await readableGroupOf(ctx);
    await revokeInvitation(access, numberParam(ctx.params.id));
    flash(ctx, "success", "groups:invitations.revoked");
    back(ctx, access, "/members");
  });

  router.post("/members/:userId/role", requireUser, async (ctx) => {
    const access = await readableGroupOf(ctx);
    const { role } = formData(validateForm(roleForm, ctx.state.body));
    await changeRole(access, ctx.state.user!, numberParam(ctx.params.userId), role);
    flash(ctx, "success", "groups:members.roleChanged");
    back(ctx, access, "/members");
  });

  router.post("/members/:userId/remove", requireUser, async (ctx) => {
    const access = await readableGroupOf(ctx);
    const userId = numberParam(ctx.params.userId);
    if (userId === ctx.state.user!.id) await leave(access, ctx.state.user!);
    else await removeMember(access, ctx.state.user!, userId);
    flash(ctx, "success", "groups:members.removed");
    back(ctx, access, "/members");
  });

  router.post("/preferences", requireUser, async (ctx) => {
    const access = await readableGroupOf(ctx);
    const data = formData(validateForm(preferencesForm, ctx.state.body));
    await updatePreferences(access, { notificationLevel: data.notificationLevel, showOnDashboard: data.showOnDashboard === "1" });
    flash(ctx, "success", "groups:preferences.saved");
    back(ctx, access);
  });

  return router;
}
