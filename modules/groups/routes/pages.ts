import Router from "@koa/router";
import { type AppContextExtras, type AppState, type Host, requireUser, badRequest, notFound, queryValue, User, renderMarkdown } from "../../../core/sdk/index.ts";
import { containerOf } from "../models/group.ts";
import { GroupImage } from "../models/settings.ts";
import { GroupRequest } from "../models/request.ts";
import { GroupInvitation } from "../models/invitation.ts";
import { managersOf, membersPage } from "../queries/members.ts";
import { groupLocals, groupOf, readableGroupOf } from "./context.ts";

export const streamPageSize = 20;
export const membersPageSize = 50;

/** /g/:slug (stream, or a landing page for those who may not read it), about, members, cover and icon. */
export function pageRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>();

  router.get("/g/:slug", requireUser, async (ctx) => {
    const access = await groupOf(ctx);
    const locals = await groupLocals(ctx, host, access, "stream");
    if (!access.canRead) return ctx.render("groups/landing.njk", { ...locals, descriptionHtml: renderMarkdown(access.group.description) });
    const { group } = access;
    const container = containerOf(group);
    const { entries, announcements, nextUrl, isPartial } = await host.containerStream(ctx, container, { url: group.url, pageSize: streamPageSize });
    if (isPartial) return ctx.render("stream/page.njk", { entries, nextUrl, pageContainer: container });
    await ctx.render("groups/show.njk", {
      ...locals,
      // The group's running announcements (not dismissed or acknowledged by the viewer) above everything else.
      announcements,
      entries,
      nextUrl,
      pageContainer: container,
      // The rule policy.canPostIn applies (mayPost), already decided with the viewer's access: no second lookup.
      composer: access.canPost ? await host.composerFor(ctx, container, { returnTo: group.url }) : null,
    });
  });

  router.get("/g/:slug/about", requireUser, async (ctx) => {
    const access = await readableGroupOf(ctx);
    const managers = await managersOf(host.sequelize, access.group.id);
    const creator = access.group.createdBy ? await User.findByPk(access.group.createdBy, { attributes: ["id", "username", "displayName"] }) : null;
    const descriptionHtml = access.group.description ? renderMarkdown(access.group.description) : "";
    await ctx.render("groups/about.njk", { ...(await groupLocals(ctx, host, access, "about")), managers, creator, descriptionHtml });
  });

  router.get("/g/:slug/members", requireUser, async (ctx) => {
    const access = await readableGroupOf(ctx);
    const { group } = access;
    const search = queryValue(ctx, "q")?.trim().slice(0, 100) || undefined;
    const afterParam = queryValue(ctx, "after");
    const afterMatch = afterParam ? /^([1-9]\d{0,9})\.([A-Za-z0-9_-]{0,300})$/.exec(afterParam) : null;
    if (afterParam && !afterMatch) throw badRequest("groups:errors.cursor");
    const after = afterMatch ? { id: Number(afterMatch[1]), name: Buffer.from(afterMatch[2], "base64url").toString() } : null;
    // Unsearched, owners, admins and moderators come first on their own, then everyone else page by page.
    const { members, next } = await membersPage(host.sequelize, group.id, { search, after, limit: membersPageSize, role: search ? undefined : "member" });
    const managers = after || search ? [] : await managersOf(host.sequelize, group.id);
    const query = new URLSearchParams(search ? { q: search } : {});
    const nextUrl = next ? `${group.url}/members?${new URLSearchParams([...query, ["after", `${next.id}.${Buffer.from(next.name).toString("base64url")}`]])}` : null;

    let requests: { id: number; message: string; user: User | undefined }[] = [];
    let invitations: { id: number; email: string | null; user: User | undefined; expiresAt: Date }[] = [];
    if (access.isManager) {
      const [requestRows, invitationRows] = await Promise.all([
        GroupRequest.findAll({ where: { groupId: group.id }, order: [["id", "ASC"]], limit: 100 }),
        GroupInvitation.findAll({ where: { groupId: group.id }, order: [["id", "DESC"]], limit: 100 }),
      ]);
      const userIds = [...new Set([...requestRows.map((r) => r.userId), ...invitationRows.flatMap((i) => (i.userId ? [i.userId] : []))])];
      const users = new Map((userIds.length ? await User.findAll({ where: { id: userIds } }) : []).map((user) => [user.id, user]));
      requests = requestRows.map((request) => ({ id: request.id, message: request.message, user: users.get(request.userId) }));
      invitations = invitationRows.map((invitation) => ({ id: invitation.id, email: invitation.email, user: invitation.userId ? users.get(invitation.userId) : undefined, expiresAt: invitation.expiresAt }));
    }
    await ctx.render("groups/members.njk", {
      ...(await groupLocals(ctx, host, access, "members")),
      members,
      managers,
      search: search ?? "",
      nextUrl,
      requests,
      invitations,
      canInvite: await host.can(ctx.state.user, "groups.invite", containerOf(group)),
      roles: ["owner", "admin", "moderator", "member"],
    });
  });

  // Cover and icon: shown wherever the group may be seen (a private group's card in the directory too).
  for (const kind of ["cover", "icon"] as const) {
    router.get(`/g/:slug/${kind}`, requireUser, async (ctx) => {
      const access = await groupOf(ctx);
      const image = await GroupImage.findOne({ where: { groupId: access.group.id, kind } });
      if (!image) throw notFound();
      ctx.set("Cache-Control", "private, max-age=86400");
      ctx.set("X-Content-Type-Options", "nosniff");
      ctx.set("Content-Security-Policy", "default-src 'none'; sandbox");
      ctx.type = image.mime;
      ctx.body = image.data;
    });
  }

  return router;
}
