import type { Sequelize, Transaction } from "sequelize";
import { Content, streamKeyOf } from "../models/content.ts";
import { ContentRevision, Post } from "../models/post.ts";
import type { User } from "../models/user.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { Container } from "../modules/types.ts";
import type { ContentPolicy } from "../policies/content.ts";
import { HttpError, forbidden, notFound } from "../http/errors.ts";
import { extractTopics, renderMarkdown } from "../content/markdown.ts";
import { recordMentions, resolveMentions } from "../content/mentions.ts";
import { syncTopics } from "../content/topics.ts";
import { attachUploads, discardUploads, maxFilesPerForm, type ReceivedUpload } from "../content/attachments/uploads.ts";
import { Attachment } from "../models/attachment.ts";
import { detachAttachments } from "../content/attachments/removal.ts";
import { audit } from "./audit.ts";

export interface PostWriterServices {
  sequelize: Sequelize;
  registry: ModuleRegistry;
}

export interface PostInput {
  title: string | null;
  body: string;
}

function containerUrl(registry: ModuleRegistry, container: Container) {
  return `${registry.containerType(container.type)?.routePrefix ?? ""}/${container.slug}`;
}

/**
 * Writes a post in a container: content row, post row, topics, mentions and attachments in one
 * transaction (a failure leaves neither rows nor files), then tells modules about it.
 */
export async function createPost(services: PostWriterServices, policy: ContentPolicy, container: Container, input: PostInput, uploads: ReceivedUpload[] = []): Promise<Content> {
  const author = policy.user!;
  let written;
  try {
    if (!(await policy.canPostIn(container))) throw forbidden("stream:errors.cannotPost");
    const probe = { containerType: container.type, containerId: container.id };
    const mentions = await resolveMentions(services.registry, input.body, container, { mayMentionContainer: await policy.canManage(probe), containerUrl: containerUrl(services.registry, container) });
    written = await services.sequelize.transaction(async (transaction) => {
      const post = await Post.create({ title: input.title, body: input.body, bodyHtml: renderMarkdown(input.body, mentions.targets) }, { transaction });
      const now = new Date();
      const content = await Content.create(
        { type: "post", refId: post.id, containerType: container.type, containerId: container.id, streamKey: streamKeyOf(container.type, container.id), authorId: author.id, sortAt: now },
        { transaction },
      );
      await syncTopics(transaction, content, extractTopics(input.body));
      await recordMentions(transaction, { contentId: content.id }, mentions.readerIds);
      await attachUploads(transaction, { contentId: content.id, uploaderId: author.id }, uploads);
      return { content, mentions };
    });
  } catch (error) {
    await discardUploads(uploads);
    throw error;
  }
  // After the commit: a failing listener must not discard files that are now the post's.
  await services.registry.hooks.emit("content.created", { content: written.content, author, mentionedUserIds: written.mentions.readerIds, mentionsContainer: written.mentions.mentionsContainer });
  return written.content;
}

/** Loads a post's content row by id, or 404 when it does not exist or the viewer may not read it. */
export async function readableContent(policy: ContentPolicy, id: number): Promise<Content> {
  const content = await Content.findByPk(id);
  if (!content || !(await policy.canRead(content))) throw notFound();
  return content;
}

/** What an edit does to a post's own files: new uploads to attach, ids of attachments to remove. */
export interface AttachmentChanges {
  uploadsDir: string;
  uploads: ReceivedUpload[];
  removeIds: number[];
}

/**
 * An edit would leave the post with more files than a form may carry: another edit added some since
 * the form's own check. A 422 that says so; the edit route can show its form again instead.
 */
export class TooManyFilesError extends HttpError {
  constructor() {
    super(422, "stream:edit.filesAddedMeanwhile");
  }
}

/** Refuses adding files past the limit, counting inside the edit's transaction, after its removals. */
async function checkFileLimit(transaction: Transaction, contentId: number, adding: number) {
  if (adding === 0) return;
  const kept = await Attachment.count({ where: { contentId, commentId: null }, transaction });
  if (kept + adding > maxFilesPerForm) throw new TooManyFilesError();
}

/**
 * Edits a post: the old text goes to the edit history, the post is marked edited, topics and mentions
 * follow the new text; files are attached and removed in the same transaction (the removed files
 * leave the disk once it commits; on failure the new ones are discarded).
 */
export async function editPost(services: PostWriterServices, policy: ContentPolicy, content: Content, input: PostInput, files?: AttachmentChanges): Promise<void> {
  const editor = policy.user!;
  let fresh: number[] | null;
  try {
    if (content.type !== "post") throw notFound();
    if (!(await policy.canEdit(content))) throw forbidden();
    const definition = services.registry.containerType(content.containerType);
    const [container] = definition ? (await definition.byIds([content.containerId])).values() : [];
    if (!container) throw notFound();
    const mentions = await resolveMentions(services.registry, input.body, container, { mayMentionContainer: await policy.canManage(content), containerUrl: containerUrl(services.registry, container) });
    fresh = await services.sequelize.transaction(async (transaction) => {
      // Concurrent edits of one post take turns from here (SQLite transactions already do), so the file count below is final.
      await Content.findByPk(content.id, { attributes: ["id"], transaction, lock: transaction.LOCK.UPDATE });
      const post = await Post.findByPk(content.refId!, { transaction, lock: transaction.LOCK.UPDATE });
      if (!post) throw notFound();
      const removed = files ? await detachAttachments(transaction, files.uploadsDir, content.id, files.removeIds) : 0;
      if (files) await checkFileLimit(transaction, content.id, files.uploads.length);
      if (files) await attachUploads(transaction, { contentId: content.id, uploaderId: editor.id }, files.uploads);
      const filesChanged = removed > 0 || (files?.uploads.length ?? 0) > 0;
      const textChanged = post.title !== input.title || post.body !== input.body;
      if (!textChanged) {
        if (filesChanged) await content.update({ editedAt: new Date() }, { transaction });
        return null;
      }
      await ContentRevision.create({ contentId: content.id, editorId: editor.id, title: post.title, body: post.body }, { transaction });
      await post.update({ title: input.title, body: input.body, bodyHtml: renderMarkdown(input.body, mentions.targets) }, { transaction });
      await content.update({ editedAt: new Date() }, { transaction });
      await syncTopics(transaction, content, extractTopics(input.body));
      return recordMentions(transaction, { contentId: content.id }, mentions.readerIds);
    });
  } catch (error) {
    if (files) await discardUploads(files.uploads);
    throw error;
  }
  if (fresh) await services.registry.hooks.emit("content.updated", { content, editor, mentionedUserIds: fresh });
}

/** Soft-deletes: the content leaves every stream and can be restored for 30 days. A moderator's delete is audited. */
export async function deleteContent(services: PostWriterServices, policy: ContentPolicy, content: Content): Promise<void> {
  if (!(await policy.canDelete(content))) throw forbidden();
  const by = policy.user!;
  await services.sequelize.transaction(async (transaction) => {
    await content.update({ deletedAt: new Date(), deletedBy: by.id }, { transaction });
    if (content.authorId !== by.id) await audit(by, "content.deleted", { type: "content", id: content.id }, { authorId: content.authorId }, transaction);
  });
  await services.registry.hooks.emit("content.deleted", { content, by });
}

export async function restoreContent(services: PostWriterServices, policy: ContentPolicy, content: Content): Promise<void> {
  if (!(await policy.canRestore(content))) throw new HttpError(content.deletedAt ? 403 : 409, content.deletedAt ? "errors:status.403" : "stream:errors.notDeleted");
  const by = policy.user!;
  await services.sequelize.transaction(async (transaction) => {
    await content.update({ deletedAt: null, deletedBy: null }, { transaction });
    if (content.authorId !== by.id) await audit(by, "content.restored", { type: "content", id: content.id }, { authorId: content.authorId }, transaction);
  });
}
