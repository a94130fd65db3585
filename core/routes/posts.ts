import Router from "@koa/router";
import { z } from "zod";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { requireUser, safeNext } from "../auth/current-user.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { validateForm, type FieldErrors } from "./form.ts";
import { flash } from "../views/render.ts";
import { Post, ContentRevision } from "../models/post.ts";
import { User } from "../models/user.ts";
import type { Content } from "../models/content.ts";
import type { ContentPolicy } from "../policies/content.ts";
import type { Container } from "../modules/types.ts";
import { createPost, deleteContent, editPost, readableContent, restoreContent, TooManyFilesError } from "../commands/post-writer.ts";
import { loadEntries } from "../content/entries.ts";
import { idParam, policyOf, queryValue } from "../content/request.ts";
import { discardReceivedUploads, maxFilesPerForm, receiveFormOrRefusal } from "../content/attachments/uploads.ts";
import { Attachment } from "../models/attachment.ts";
import { attachmentView, type AttachmentView } from "../content/attachments/entries.ts";
import { removeAttachmentFilesOnHardDelete } from "../content/attachments/removal.ts";
import { addressCarriesToken, redirectRefused, takeRefusedForm } from "../content/attachments/refused-forms.ts";
import { renderPermalink } from "../content/comments/page.ts";

export const postBodyMaxLength = 20_000;

const postForm = z.object({
  target: z.string().regex(/^[a-z][a-z0-9-]{0,31}:\d{1,10}$/, "stream:errors.target"),
  title: z
    .string()
    .trim()
    .max(200, "validation:tooLong")
    .optional()
    .transform((value) => value || null),
  body: z.string().trim().min(1, "stream:errors.bodyRequired").max(postBodyMaxLength, "stream:errors.bodyTooLong"),
  returnTo: z.string().optional(),
});

const editForm = postForm.omit({ target: true, returnTo: true }).extend({
  // Checkboxes of the post's own files to remove: one value or several.
  removeFiles: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value) => (value === undefined ? [] : [value].flat()))
    .pipe(z.array(z.string().regex(/^\d{1,10}$/, "validation:invalid").transform(Number)).max(100, "validation:invalid")),
});

/**
 * The container a "type:id" target names, if its type is on, it exists and the writer may read it: one
 * answer for a missing one and an unreadable one, so a secret group's existence is not revealed.
 */
export async function readableTarget(services: AppServices, policy: ContentPolicy, target: string): Promise<Container | null> {
  const [type, id] = target.split(":");
  const definition = services.registry.containerType(type);
  const container = definition ? ((await definition.byIds([Number(id)])).get(Number(id)) ?? null) : null;
  return container && (await policy.canReadContainerOf(container)) ? container : null;
}

/** Posts, their permalink (/c/:id), edit, delete, restore and edit history. */
export function postRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  // Posts carry files: whoever hard-deletes contents (purge, group deletion) takes them off the disk.
  removeAttachmentFilesOnHardDelete(services.config);

  /** The composer on its own page, with a refused post's text and reasons when there is one. */
  async function renderCompose(ctx: AppContext, status: number, values: Record<string, unknown>, errors: FieldErrors) {
    ctx.status = status;
    await ctx.render("stream/compose.njk", { title: ctx.state.t("stream:compose.title"), values, errors });
    ctx.status = status;
  }


  // Nothing typed is lost: a refused post comes back on its own page, filled in, with the reason.
  async function renderRefused(ctx: AppContext, status: number, errors: FieldErrors) {
    await discardReceivedUploads(ctx);
    if (addressCarriesToken(ctx)) return redirectRefused(ctx, "post", status, errors, ["target", "returnTo", "title", "body"], "/posts/new#refused");
    const { _csrf, ...values } = ctx.state.body;
    await renderCompose(ctx, status, values, errors);
  }

  router.get("/posts/new", requireUser, async (ctx) => {
    const refused = takeRefusedForm(ctx, "post");
    await renderCompose(ctx, refused?.status ?? 200, refused?.values ?? {}, refused?.errors ?? {});
  });

  router.post("/posts", requireUser, async (ctx) => {
    const { uploads, refusal } = await receiveFormOrRefusal(ctx, services.config);
    const { data, errors } = validateForm(postForm, ctx.state.body);
    if (refusal) return renderRefused(ctx, refusal.status, { ...refusal.errors, ...errors });
    const policy = policyOf(ctx, services.registry);
    const container = data ? await readableTarget(services, policy, data.target) : null;
    if (!data || !container) return renderRefused(ctx, 422, errors ?? { target: "stream:errors.target" });
    if (!(await policy.canPostIn(container))) return renderRefused(ctx, 403, { target: "stream:errors.cannotPost" });
    const content = await createPost(services, policy, container, { title: data.title, body: data.body }, uploads);
    flash(ctx, "success", "stream:posted");
    ctx.redirect(data.returnTo ? safeNext(data.returnTo) : `/c/${content.id}`);
  });

  router.get("/c/:id", requireUser, async (ctx) => {
    const policy = policyOf(ctx, services.registry);
    const content = await readableContent(policy, idParam(ctx.params.id));
    // A refused comment with files was sent here (its address carried the form token): its form comes back filled in.
    const refused = takeRefusedForm(ctx, `comment:${content.id}`);
    if (refused) {
      const commentForm = { contentId: content.id, parentId: typeof refused.values.parentId === "string" ? refused.values.parentId : "", values: refused.values, errors: refused.errors };
      return renderPermalink(ctx, services.registry, content, { status: refused.status, commentForm });
    }
    const [entry] = await loadEntries(services.registry, policy, [content], { full: true });
    if (!entry) throw notFound();
    const post = entry.item instanceof Post ? entry.item : null;
    // ?reply=<comment id>: that thread's reply form open (the stream's "Reply" link without JavaScript).
    const replyParam = queryValue(ctx, "reply");
    const replyTo = replyParam === undefined ? null : idParam(replyParam);
    if (replyTo === 0) throw badRequest("comments:errors.replyLink");
    await ctx.render("content/show.njk", { entry, replyTo, title: post?.title ?? ctx.state.t("stream:post.permalinkTitle", { name: entry.author?.displayName ?? "" }) });
  });

  async function editablePost(ctx: AppContext, id: string) {
    const policy = policyOf(ctx, services.registry);
    const content = await readableContent(policy, idParam(id));
    if (content.type !== "post" || !(await policy.canEdit(content))) throw notFound();
    return { policy, content, post: (await Post.findByPk(content.refId!))! };
  }

  /** The post's own files (not its comments'), for the checkboxes of the edit form. */
  const filesOf = async (contentId: number) => (await Attachment.findAll({ where: { contentId, commentId: null }, order: [["id", "ASC"]] })).map(attachmentView);

  /** The edit form again, as typed (ticked files included), with the reason. */
  async function renderEdit(ctx: AppContext, content: Content, files: AttachmentView[], status: number, values: Record<string, unknown>, errors: FieldErrors) {
    ctx.status = status;
    await ctx.render("content/edit.njk", { content, files, values: { ...values, removeFiles: [values.removeFiles ?? []].flat() }, errors, title: ctx.state.t("stream:edit.title") });
    ctx.status = status;
  }

  async function renderEditRefused(ctx: AppContext, content: Content, files: AttachmentView[], status: number, errors: FieldErrors) {
    await discardReceivedUploads(ctx);
    if (addressCarriesToken(ctx)) return redirectRefused(ctx, `edit:${content.id}`, status, errors, ["title", "body", "removeFiles"], `/c/${content.id}/edit#refused`);
    const { _csrf, ...values } = ctx.state.body;
    await renderEdit(ctx, content, files, status, values, errors);
  }

  router.get("/c/:id/edit", requireUser, async (ctx) => {
    const { content, post } = await editablePost(ctx, ctx.params.id);
    const refused = takeRefusedForm(ctx, `edit:${content.id}`);
    const values = refused?.values ?? { title: post.title ?? "", body: post.body, removeFiles: [] };
    await renderEdit(ctx, content, await filesOf(content.id), refused?.status ?? 200, values, refused?.errors ?? {});
  });

  router.post("/c/:id/edit", requireUser, async (ctx) => {
    const { policy, content } = await editablePost(ctx, ctx.params.id);
    // Same upload rules as a new post: a refused file is a clear 4xx, the form comes back filled in, nothing stays on disk.
    const { uploads, refusal: fileRefusal } = await receiveFormOrRefusal(ctx, services.config);
    const { data, errors } = validateForm(editForm, ctx.state.body);
    const files = await filesOf(content.id);
    if (fileRefusal) return renderEditRefused(ctx, content, files, fileRefusal.status, { ...fileRefusal.errors, ...errors });
    const kept = data ? files.filter((file) => !data.removeFiles.includes(file.id)).length : 0;
    const refusal = errors ?? (kept + uploads.length > maxFilesPerForm ? { files: "stream:edit.tooManyFiles" } : null);
    if (!data || refusal) return renderEditRefused(ctx, content, files, 422, refusal ?? {});
    try {
      await editPost(services, policy, content, data, { uploadsDir: services.config.uploadsDir, uploads, removeIds: data.removeFiles });
    } catch (error) {
      // Another edit added files since the check above: the form again, with the files as they are now.
      if (!(error instanceof TooManyFilesError)) throw error;
      return renderEditRefused(ctx, content, await filesOf(content.id), error.status, { files: error.messageKey });
    }
    flash(ctx, "success", "stream:edit.saved");
    ctx.redirect(`/c/${content.id}`);
  });

  router.post("/c/:id/delete", requireUser, async (ctx) => {
    const policy = policyOf(ctx, services.registry);
    const content = await readableContent(policy, idParam(ctx.params.id));
    await deleteContent(services, policy, content);
    flash(ctx, "success", "stream:deleted");
    ctx.redirect(await policy.canRestore(content) ? `/c/${content.id}` : "/");
  });

  router.post("/c/:id/restore", requireUser, async (ctx) => {
    const policy = policyOf(ctx, services.registry);
    const content = await readableContent(policy, idParam(ctx.params.id));
    await restoreContent(services, policy, content);
    flash(ctx, "success", "stream:restored");
    ctx.redirect(`/c/${content.id}`);
  });

  // The text before each edit: for moderators, who must see what was said before it was changed, and for its author.
  router.get("/c/:id/history", requireUser, async (ctx) => {
    const policy = policyOf(ctx, services.registry);
    const content = await readableContent(policy, idParam(ctx.params.id));
    if (content.authorId !== ctx.state.user!.id && !(await policy.canModerate(content))) throw notFound();
    const revisions = await ContentRevision.findAll({ where: { contentId: content.id }, order: [["id", "DESC"]], limit: 100 });
    const editors = new Map((await User.findAll({ where: { id: [...new Set(revisions.map((r) => r.editorId))] } })).map((u) => [u.id, u]));
    // Only a post's refId is a post (a share's is the original content's).
    const current = content.type === "post" && content.refId ? await Post.findByPk(content.refId) : null;
    await ctx.render("content/history.njk", { content, current, revisions: revisions.map((revision) => ({ revision, editor: editors.get(revision.editorId) })), title: ctx.state.t("stream:history.title") });
  });

  return router;
}
