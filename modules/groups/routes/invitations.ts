import Router from "@koa/router";
import { type AppContext, type AppContextExtras, type AppState, type Host, requireUser, HttpError, isWellFormedToken, flash } from "../../../core/sdk/index.ts";
import type { RouteContext } from "./context.ts";
import { Group, containerOf } from "../models/group.ts";
import { acceptByToken, invitationByToken } from "../commands/invitation-writer.ts";
import { emitGroupEvent } from "../events.ts";

/** An e-mailed invitation link, /groups/invitations/:token: sign in (or register), then accept. */
export function invitationRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>();

  async function invitationOf(ctx: RouteContext) {
    const token = ctx.params.token;
    const invitation = isWellFormedToken(token) ? await invitationByToken(token) : null;
    const group = invitation ? await Group.findByPk(invitation.groupId) : null;
    if (!invitation || !group) throw new HttpError(404, "groups:invitations.invalidLink");
    return { invitation, group };
  }

  router.get("/groups/invitations/:token", requireUser, async (ctx) => {
    const { group } = await invitationOf(ctx);
    await ctx.render("groups/invitation.njk", { title: group.name, group, token: ctx.params.token });
  });

  router.post("/groups/invitations/:token", requireUser, async (ctx) => {
    const { invitation } = await invitationOf(ctx);
    const { group, isNewMember } = await acceptByToken(invitation, ctx.state.user!);
    if (isNewMember) await emitGroupEvent(host, "groups.member.joined", { group: containerOf(group), userId: ctx.state.user!.id });
    flash(ctx, "success", "groups:membership.joined", { name: group.name });
    ctx.redirect(group.url);
  });

  return router;
}
