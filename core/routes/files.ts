import Router from "@koa/router";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { requireUser } from "../auth/current-user.ts";
import { notFound } from "../http/errors.ts";
import { sendFile, type FileToSend } from "../http/send-file.ts";
import { Attachment } from "../models/attachment.ts";
import { Comment } from "../models/comment.ts";
import { Content } from "../models/content.ts";
import type { ContentPolicy } from "../policies/content.ts";
import { idParam, policyOf } from "../content/request.ts";
import { acceptedFileHint, isInlineType } from "../content/attachments/file-types.ts";
import { maxFilesPerForm } from "../content/attachments/uploads.ts";
import { fileBackendOf } from "../content/attachments/object-store.ts";

/** A comment's file follows the comment: hidden ones only for moderators, deleted ones for their author and moderators. */
async function canReadComment(policy: ContentPolicy, content: Content, commentId: number) {
  const comment = await Comment.findByPk(commentId);
  if (!comment || comment.contentId !== content.id) return false;
  if (comment.hiddenAt && !(await policy.canModerate(content))) return false;
  if (comment.deletedAt && comment.authorId !== policy.user?.id && !(await policy.canModerate(content))) return false;
  return true;
}

/** The attachment, if the viewer may read what it is attached to; anything else is the same 404, so existence never leaks. */
async function readableAttachment(ctx: AppContext, services: AppServices, id: string): Promise<Attachment> {
  const attachment = await Attachment.findByPk(idParam(id));
  const content = attachment?.contentId ? await Content.findByPk(attachment.contentId) : null;
  const policy = policyOf(ctx, services.registry);
  if (!attachment || !content || !(await policy.canRead(content))) throw notFound();
  if (attachment.commentId !== null && !(await canReadComment(policy, content, attachment.commentId))) throw notFound();
  return attachment;
}

/** A stored file by its key (only keys the storage made are read), from the disk or the bucket, streamed with ranges (http/send-file.ts). */
function sendStored(ctx: AppContext, services: AppServices, file: Omit<FileToSend, "path"> & { key: string | null }) {
  const { key, ...rest } = file;
  const backend = fileBackendOf(services.config);
  return sendFile(ctx, { ...rest, path: null, bytes: async () => (key ? backend.bytes(key) : null) });
}

/**
 * GET /files/:id/:name (the file; images and videos inline, everything else as a download) and
 * GET /files/:id/thumb (an image's thumbnail), for readers of the content it is attached to.
 */
export function fileRoutes(services: AppServices) {
  // What the file inputs tell the user (stream/composer-files.njk), from the same settings the server enforces.
  services.templates.addGlobal("attachmentLimits", { maxMb: services.config.uploadLimitMb, maxFiles: maxFilesPerForm, accept: acceptedFileHint });
  const router = new Router<AppState, AppContextExtras>();

  router.get("/files/:id/thumb", requireUser, async (ctx) => {
    const attachment = await readableAttachment(ctx, services, ctx.params.id);
    await sendStored(ctx, services, { key: attachment.thumbnailKey, mime: "image/webp", etag: `a${attachment.id}-thumb`, disposition: "inline" });
  });

  router.get("/files/:id/:name", requireUser, async (ctx) => {
    const attachment = await readableAttachment(ctx, services, ctx.params.id);
    await sendStored(ctx, services, {
      key: attachment.storageKey,
      mime: attachment.mime,
      etag: `a${attachment.id}-${attachment.size}`,
      disposition: isInlineType(attachment.mime) ? "inline" : "attachment",
      name: attachment.originalName,
    });
  });
  return router;
}
