import Router from "@koa/router";
import type { AppContext, AppContextExtras, AppState } from "../../../core/http/context.ts";
import type { Host } from "../../../core/modules/types.ts";
import type { RouteContext } from "./context.ts";
import { requireUser } from "../../../core/auth/current-user.ts";
import { HttpError, forbidden, notFound } from "../../../core/http/errors.ts";
import { Content, streamKeyOf } from "../../../core/models/content.ts";
import { idParam, policyOf } from "../../../core/content/request.ts";
import { loadEntries } from "../../../core/content/entries.ts";
import { validateForm } from "../../../core/routes/form.ts";
import { flash } from "../../../core/views/render.ts";
import { Group, containerOf } from "../models/group.ts";
import { shareForm } from "../forms.ts";
import { postableGroups } from "../share.ts";

/** /groups/share/:id: share a content the viewer may read into one of their groups, as a reference. */
export function shareRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>();

  /** The live content to share, readable by the viewer; sharing a share shares its original. */
  async function shareable(ctx: RouteContext): Promise<Content> {
    const policy = policyOf(ctx, host.registry);
    let content = await Content.findByPk(idParam(ctx.params.id));
    if (content?.type === "share" && content.refId) content = await Content.findByPk(content.refId);
    if (!content || !content.isLive || !(await policy.canRead(content))) throw notFound();
    return content;
  }

  async function choices(ctx: AppContext, content: Content) {
    const groups = await postableGroups(host.sequelize, ctx.state.user!.id);
    return groups.filter((group) => !(content.containerType === "group" && content.containerId === group.id));
  }

  router.get("/groups/share/:id", requireUser, async (ctx) => {
    const content = await shareable(ctx);
    const [entry] = await loadEntries(host.registry, policyOf(ctx, host.registry), [content]);
    await ctx.render("groups/share.njk", { title: ctx.state.t("groups:share.title"), content, entry, groups: await choices(ctx, content) });
  });

  router.post("/groups/share/:id", requireUser, async (ctx) => {
    const content = await shareable(ctx);
    const { data } = validateForm(shareForm, ctx.state.body);
    if (!data) throw new HttpError(422, "groups:errors.shareTarget");
    const group = await Group.findByPk(Number(data.target));
    const policy = policyOf(ctx, host.registry);
    if (!group || !(await policy.canPostIn(containerOf(group)))) throw forbidden("groups:errors.shareTarget");
    const user = ctx.state.user!;
    const share = await Content.create({
      type: "share",
      refId: content.id,
      containerType: "group",
      containerId: group.id,
      streamKey: streamKeyOf("group", group.id),
      authorId: user.id,
      sortAt: new Date(),
    });
    await host.emit("content.created", { content: share, author: user, mentionedUserIds: [], mentionsContainer: false });
    flash(ctx, "success", "groups:share.done", { name: group.name });
    ctx.redirect(group.url);
  });

  return router;
}
