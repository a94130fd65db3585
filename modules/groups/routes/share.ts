import Router from "@koa/router";
import { z } from "zod";
import { type AppContext, type AppContextExtras, type AppState, type Host, requireUser, notFound, Content, idParam, validateForm, type FieldErrors, flash } from "../../../core/sdk/index.ts";
import type { RouteContext } from "./context.ts";
import { Group, containerOf } from "../models/group.ts";
import { shareForm } from "../forms.ts";
import { postableGroups } from "../share.ts";
import { createShare, editShareNote, noteOf, shareNoteField } from "../commands/share-writer.ts";

const shareWithNoteForm = shareForm.extend({ note: shareNoteField });
const noteForm = z.object({ note: shareNoteField });

/** /groups/share/:id: share a content the viewer may read into one of their groups, as a reference with an optional note. */
export function shareRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>();

  /** The live content to share, readable by the viewer; sharing a share shares its original. */
  async function shareable(ctx: RouteContext): Promise<Content> {
    const policy = host.policyOf(ctx);
    let content = await Content.findByPk(idParam(ctx.params.id));
    if (content?.type === "share" && content.refId) content = await Content.findByPk(content.refId);
    if (!content || !content.isLive || !(await policy.canRead(content))) throw notFound();
    return content;
  }

  async function choices(ctx: AppContext, content: Content) {
    const groups = await postableGroups(host.sequelize, ctx.state.user!.id);
    return groups.filter((group) => !(content.containerType === "group" && content.containerId === group.id));
  }

  /** The share form with a read-only preview of the original; a refused one comes back as typed, with the reason. */
  async function renderShare(ctx: AppContext, content: Content, status: number, values: Record<string, unknown>, errors: FieldErrors) {
    const [entry] = await host.entries(host.policyOf(ctx), [content]);
    ctx.status = status;
    await ctx.render("groups/share.njk", { title: ctx.state.t("groups:share.title"), content, entry, groups: await choices(ctx, content), values, errors });
    ctx.status = status;
  }

  router.get("/groups/share/:id", requireUser, async (ctx) => {
    await renderShare(ctx, await shareable(ctx), 200, {}, {});
  });

  router.post("/groups/share/:id", requireUser, async (ctx) => {
    const content = await shareable(ctx);
    const { _csrf, ...values } = ctx.state.body;
    const { data, errors } = validateForm(shareWithNoteForm, ctx.state.body);
    if (!data) return renderShare(ctx, content, 422, values, errors);
    const group = await Group.findByPk(Number(data.target));
    const policy = host.policyOf(ctx);
    if (!group || !(await policy.canPostIn(containerOf(group)))) return renderShare(ctx, content, 403, values, { target: "groups:errors.shareTarget" });
    await createShare(host, policy, content, group, data.note);
    flash(ctx, "success", "groups:share.done", { name: group.name });
    ctx.redirect(group.url);
  });

  /** A live share the viewer wrote and may still edit, for its note form; a 404 for anyone else. */
  async function ownShare(ctx: RouteContext) {
    const policy = host.policyOf(ctx);
    const share = await Content.findByPk(idParam(ctx.params.id));
    if (!share || share.type !== "share" || !share.isLive || share.authorId !== ctx.state.user!.id || !(await policy.canEdit(share))) throw notFound();
    return { policy, share };
  }

  async function renderNote(ctx: AppContext, share: Content, status: number, note: unknown, errors: FieldErrors) {
    ctx.status = status;
    await ctx.render("groups/share-note.njk", { title: ctx.state.t("groups:share.editNoteTitle"), share, note: typeof note === "string" ? note : "", errors });
    ctx.status = status;
  }

  router.get("/groups/share/:id/note", requireUser, async (ctx) => {
    const { share } = await ownShare(ctx);
    await renderNote(ctx, share, 200, await noteOf(share), {});
  });

  router.post("/groups/share/:id/note", requireUser, async (ctx) => {
    const { policy, share } = await ownShare(ctx);
    const { data, errors } = validateForm(noteForm, ctx.state.body);
    if (!data) return renderNote(ctx, share, 422, ctx.state.body.note, errors);
    await editShareNote(host, policy, share, data.note);
    flash(ctx, "success", "groups:share.noteSaved");
    ctx.redirect(`/c/${share.id}`);
  });

  return router;
}
