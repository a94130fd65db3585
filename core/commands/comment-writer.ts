import type { Sequelize } from "sequelize";
import { Comment } from "../models/comment.ts";
import type { Content } from "../models/content.ts";
import { Mention } from "../models/mention.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { Container } from "../modules/types.ts";
import type { ContentPolicy } from "../policies/content.ts";
import { HttpError, forbidden, notFound } from "../http/errors.ts";
import { renderMarkdown } from "../content/markdown.ts";
import { recordMentions, resolveMentions, type ResolvedMentions } from "../content/mentions.ts";
import { attachUploads, discardUploads, type ReceivedUpload } from "../content/attachments/uploads.ts";
import { canComment, canDeleteComment, canEditComment, canSeeComment } from "../content/comments/access.ts";
import { adjustCommentCount } from "../content/comments/counts.ts";
import { audit } from "./audit.ts";

export interface CommentWriterServices {
  sequelize: Sequelize;
  registry: ModuleRegistry;
}

export interface CommentInput {
  body: string;
  /** The comment replied to; a reply to a reply joins the thread of its top-level comment. */
  parentId?: number | null;
}

/** Mentions in a comment resolve against the content's container: only its readers are recorded. */
async function mentionsIn(services: CommentWriterServices, policy: ContentPolicy, content: Content, body: string): Promise<ResolvedMentions> {
  const definition = services.registry.containerType(content.containerType);
  const container: Container | undefined = definition ? (await definition.byIds([content.containerId])).get(content.containerId) : undefined;
  if (!definition || !container) throw notFound();
  return resolveMentions(services.registry, body, container, {
    mayMentionContainer: await policy.canManage(content),
    containerUrl: `${definition.routePrefix}/${container.slug}`,
  });
}

/** The top-level comment a reply attaches to; a 422 (the text is kept) when the comment replied to is gone. */
async function threadOf(policy: ContentPolicy, content: Content, parentId: number): Promise<number> {
  const parent = await Comment.findByPk(parentId);
  if (!parent || !(await canSeeComment(policy, content, parent))) throw new HttpError(422, "comments:errors.parentGone");
  return parent.parentId ?? parent.id;
}

/**
 * Writes a comment under a readable, live content: the row, the content's count and "newest activity"
 * time, mentions and attachments in one transaction, then tells modules about it.
 */
export async function createComment(services: CommentWriterServices, policy: ContentPolicy, content: Content, input: CommentInput, uploads: ReceivedUpload[] = []): Promise<Comment> {
  const author = policy.user!;
  try {
    if (!canComment(policy, content)) throw forbidden("comments:errors.closed");
    const parentId = input.parentId ? await threadOf(policy, content, input.parentId) : null;
    const mentions = await mentionsIn(services, policy, content, input.body);
    const comment = await services.sequelize.transaction(async (transaction) => {
      const comment = await Comment.create(
        { contentId: content.id, parentId, authorId: author.id, body: input.body, bodyHtml: renderMarkdown(input.body, mentions.targets) },
        { transaction },
      );
      await adjustCommentCount(transaction, content.id, 1, comment.createdAt);
      await recordMentions(transaction, { contentId: content.id, commentId: comment.id }, mentions.readerIds);
      await attachUploads(transaction, { contentId: content.id, commentId: comment.id, uploaderId: author.id }, uploads);
      return comment;
    });
    await services.registry.hooks.emit("comment.created", { comment, content, author, mentionedUserIds: mentions.readerIds, mentionsContainer: mentions.mentionsContainer });
    return comment;
  } catch (error) {
    await discardUploads(uploads);
    throw error;
  }
}

/** A comment of a readable content by id, as the viewer may reach it, or a 404. */
export async function reachableComment(policy: ContentPolicy, content: Content, commentId: number): Promise<Comment> {
  const comment = commentId ? await Comment.findByPk(commentId) : null;
  if (!comment || !(await canSeeComment(policy, content, comment))) throw notFound();
  return comment;
}

/** The author edits the text: marked edited; people newly mentioned are recorded. */
export async function editComment(services: CommentWriterServices, policy: ContentPolicy, content: Content, comment: Comment, body: string): Promise<void> {
  if (!canEditComment(policy, content, comment)) throw forbidden();
  if (comment.body === body) return;
  const mentions = await mentionsIn(services, policy, content, body);
  await services.sequelize.transaction(async (transaction) => {
    await comment.update({ body, bodyHtml: renderMarkdown(body, mentions.targets), editedAt: new Date() }, { transaction });
    await recordMentions(transaction, { contentId: content.id, commentId: comment.id }, mentions.readerIds);
  });
}

/**
 * Soft delete by its author or a moderator (audited). The text is no longer shown; a top-level comment
 * with replies stays as a placeholder. Its mentions go: the content no longer mentions those people.
 */
export async function deleteComment(services: CommentWriterServices, policy: ContentPolicy, content: Content, comment: Comment): Promise<void> {
  if (!(await canDeleteComment(policy, content, comment))) throw forbidden();
  const by = policy.user!;
  await services.sequelize.transaction(async (transaction) => {
    const [changed] = await Comment.update({ deletedAt: new Date() }, { where: { id: comment.id, deletedAt: null }, transaction });
    if (!changed) return;
    if (!comment.hiddenAt) await adjustCommentCount(transaction, content.id, -1);
    await Mention.destroy({ where: { contentId: content.id, commentId: comment.id }, transaction });
    if (comment.authorId !== by.id) await audit(by, "comment.deleted", { type: "comment", id: comment.id }, { contentId: content.id, authorId: comment.authorId }, transaction);
  });
}
