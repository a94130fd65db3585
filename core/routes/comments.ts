import Router from "@koa/router";
import { z } from "zod";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { requireUser } from "../auth/current-user.ts";
import { HttpError, forbidden, notFound } from "../http/errors.ts";
import { validateForm, type FieldErrors } from "./form.ts";
import { flash } from "../views/render.ts";
import { Comment } from "../models/comment.ts";
import type { Content } from "../models/content.ts";
import { readableContent } from "../commands/post-writer.ts";
import { createComment, deleteComment, editComment, reachableComment } from "../commands/comment-writer.ts";
import { idParam, policyOf } from "../content/request.ts";
import { receiveFormOrRefusal, discardUploads } from "../content/attachments/uploads.ts";
import { addressCarriesToken, redirectRefused } from "../content/attachments/refused-forms.ts";
import { canComment, canEditComment } from "../content/comments/access.ts";
import { commentUrl } from "../content/comments/entries.ts";
import { backTo, renderPermalink, wantsJson } from "../content/comments/page.ts";

export const commentBodyMaxLength = 5000;

const body = z.string().trim().min(1, "comments:errors.bodyRequired").max(commentBodyMaxLength, "comments:errors.bodyTooLong");
const commentForm = z.object({
  body,
  parentId: z
    .union([z.literal(""), z.string().regex(/^[1-9]\d{0,9}$/, "comments:errors.parentGone")])
    .optional()
    .transform((value) => (value ? Number(value) : null)),
});
const editForm = z.object({ body });

/** Comments: write (reply), the older comments of a permalink, edit, delete, and a comment's own link. */
export function commentRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();

  // Nothing typed is lost: a refused comment comes back on the content's page, in its form, with the reason.
  async function refuse(ctx: AppContext, content: Content, status: number, errors: FieldErrors) {
    const { _csrf, ...values } = ctx.state.body;
    if (wantsJson(ctx)) {
      ctx.status = status;
      ctx.body = { error: { status, message: ctx.state.t(Object.values(errors)[0] ?? "errors:status.422") }, errors: Object.fromEntries(Object.entries(errors).map(([field, key]) => [field, ctx.state.t(key)])) };
      return;
    }
    if (addressCarriesToken(ctx)) return redirectRefused(ctx, `comment:${content.id}`, status, errors, ["body", "parentId"], `/c/${content.id}#comments-${content.id}`);
    const parentId = typeof values.parentId === "string" ? values.parentId : "";
    await renderPermalink(ctx, services.registry, content, { status, commentForm: { contentId: content.id, parentId, values, errors } });
  }

  /** A comment and its content, as the viewer may reach them (404 otherwise). */
  async function reachable(ctx: AppContext, id: string) {
    const policy = policyOf(ctx, services.registry);
    const comment = await Comment.findByPk(idParam(id));
    if (!comment) throw notFound();
    const content = await readableContent(policy, comment.contentId);
    return { policy, content, comment: await reachableComment(policy, content, comment.id) };
  }

  router.post("/c/:id/comments", requireUser, async (ctx) => {
    const policy = policyOf(ctx, services.registry);
    const content = await readableContent(policy, idParam(ctx.params.id));
    if (!canComment(policy, content)) throw forbidden("comments:errors.closed");
    const { uploads, refusal } = await receiveFormOrRefusal(ctx, services.config);
    const { data, errors } = validateForm(commentForm, ctx.state.body);
    if (refusal) return refuse(ctx, content, refusal.status, { ...refusal.errors, ...errors });
    if (!data) {
      await discardUploads(uploads);
      return refuse(ctx, content, 422, errors);
    }
    let comment: Comment;
    try {
      comment = await createComment(services, policy, content, data, uploads);
    } catch (error) {
      if (error instanceof HttpError && error.status === 422) return refuse(ctx, content, 422, { parentId: error.messageKey });
      throw error;
    }
    if (wantsJson(ctx)) {
      ctx.status = 201;
      ctx.body = { comment: { id: comment.id, parentId: comment.parentId, contentId: content.id, html: comment.bodyHtml, url: commentUrl(comment) } };
      return;
    }
    ctx.redirect(`${backTo(ctx, `/c/${content.id}`)}#comment-${comment.id}`);
  });

  // Every comment of a content, 50 threads a page, older pages by keyset.
  router.get("/c/:id/comments", requireUser, async (ctx) => {
    const policy = policyOf(ctx, services.registry);
    const content = await readableContent(policy, idParam(ctx.params.id));
    const before = ctx.query.comments_before;
    const commentsBefore = before === undefined || before === "" ? null : idParam(typeof before === "string" ? before : undefined);
    if (commentsBefore === 0) throw new HttpError(400, "stream:errors.cursor");
    await renderPermalink(ctx, services.registry, content, { commentsBefore });
  });

  // A comment's own address (notifications link here): its place on the content's page.
  router.get("/comments/:id", requireUser, async (ctx) => {
    const { comment } = await reachable(ctx, ctx.params.id);
    ctx.redirect(commentUrl(comment));
  });

  router.get("/comments/:id/edit", requireUser, async (ctx) => {
    const { policy, content, comment } = await reachable(ctx, ctx.params.id);
    if (!canEditComment(policy, content, comment)) throw notFound();
    await ctx.render("comments/edit.njk", { comment, values: { body: comment.body }, errors: {}, title: ctx.state.t("comments:edit.title") });
  });

  router.post("/comments/:id/edit", requireUser, async (ctx) => {
    const { policy, content, comment } = await reachable(ctx, ctx.params.id);
    if (!canEditComment(policy, content, comment)) throw notFound();
    const { data, errors } = validateForm(editForm, ctx.state.body);
    if (!data) {
      const { _csrf, ...values } = ctx.state.body;
      ctx.status = 422;
      await ctx.render("comments/edit.njk", { comment, values, errors, title: ctx.state.t("comments:edit.title") });
      ctx.status = 422;
      return;
    }
    await editComment(services, policy, content, comment, data.body);
    flash(ctx, "success", "comments:edit.saved");
    ctx.redirect(commentUrl(comment));
  });

  router.post("/comments/:id/delete", requireUser, async (ctx) => {
    const { policy, content, comment } = await reachable(ctx, ctx.params.id);
    await deleteComment(services, policy, content, comment);
    if (wantsJson(ctx)) {
      ctx.body = { deleted: comment.id };
      return;
    }
    flash(ctx, "success", "comments:deleted");
    ctx.redirect(`${backTo(ctx, `/c/${content.id}`)}#comments-${content.id}`);
  });

  return router;
}
