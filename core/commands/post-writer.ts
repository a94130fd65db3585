import type { Sequelize } from "sequelize";
import { Content } from "../models/content.ts";
import { Post } from "../models/post.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { Container } from "../modules/types.ts";
import type { ContentPolicy } from "../policies/content.ts";
import { notFound } from "../http/errors.ts";
import { discardUploads, type ReceivedUpload } from "../content/attachments/uploads.ts";
import { ContentWriter, type AttachmentChanges } from "../content/writer.ts";

export { TooManyFilesError, type AttachmentChanges } from "../content/writer.ts";

export interface PostWriterServices {
  sequelize: Sequelize;
  registry: ModuleRegistry;
}

export interface PostInput {
  title: string | null;
  body: string;
}

/** The content API over the app's database and registry: posts are written through it like every module's content. */
const writerOf = (services: PostWriterServices) => new ContentWriter(services.sequelize, services.registry);

/**
 * Writes a post in a container: content row, post row, topics, mentions and attachments in one
 * transaction (a failure leaves neither rows nor files), then tells modules about it.
 */
export function createPost(services: PostWriterServices, policy: ContentPolicy, container: Container, input: PostInput, uploads: ReceivedUpload[] = []): Promise<Content> {
  return writerOf(services).create(policy, {
    type: "post",
    container,
    text: input.body,
    uploads,
    write: async ({ transaction, html }) => (await Post.create({ title: input.title, body: input.body, bodyHtml: html(input.body) }, { transaction })).id,
  });
}

/**
 * Loads a content row by id, or 404 when it does not exist, the viewer may not read it, or its module is
 * switched off where it lives (as if it were not there, like the streams and search).
 */
export async function readableContent(policy: ContentPolicy, id: number): Promise<Content> {
  const content = await Content.findByPk(id);
  if (!content || !(await policy.canOpen(content))) throw notFound();
  return content;
}

/**
 * Edits a post: the old text goes to the edit history, the post is marked edited, topics and mentions
 * follow the new text; files are attached and removed in the same transaction (the removed files
 * leave the disk once it commits; on failure the new ones are discarded).
 */
export async function editPost(services: PostWriterServices, policy: ContentPolicy, content: Content, input: PostInput, files?: AttachmentChanges): Promise<void> {
  if (content.type !== "post") {
    if (files) await discardUploads(files.uploads);
    throw notFound();
  }
  await writerOf(services).update(policy, content, {
    text: input.body,
    files,
    async write({ transaction, html }) {
      const post = await Post.findByPk(content.refId!, { transaction, lock: transaction.LOCK.UPDATE });
      if (!post) throw notFound();
      if (post.title === input.title && post.body === input.body) return null;
      const replaced = { title: post.title, body: post.body };
      await post.update({ title: input.title, body: input.body, bodyHtml: html(input.body) }, { transaction });
      return replaced;
    },
  });
}

/** Soft-deletes: the content leaves every stream and can be restored for 30 days. A moderator's delete is audited. */
export function deleteContent(services: PostWriterServices, policy: ContentPolicy, content: Content): Promise<void> {
  return writerOf(services).remove(policy, content);
}

export function restoreContent(services: PostWriterServices, policy: ContentPolicy, content: Content): Promise<void> {
  return writerOf(services).restore(policy, content);
}
