import type { Sequelize, Transaction } from "sequelize";
import { Content, streamKeyOf } from "../models/content.ts";
import { ContentRevision } from "../models/post.ts";
import { Attachment } from "../models/attachment.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { AttachmentChanges, Container, ContentApi, ContentCreateInput, ContentUpdateInput } from "../modules/types.ts";
import type { ContentPolicy } from "../policies/content.ts";
import { HttpError, forbidden, notFound } from "../http/errors.ts";
import { audit } from "../commands/audit.ts";
import { can } from "../policies/index.ts";
import { extractTopics, renderMarkdown } from "./markdown.ts";
import { recordMentions, resolveMentions, type ResolvedMentions } from "./mentions.ts";
import { syncTopics } from "./topics.ts";
import { attachUploads, discardUploads, maxFilesPerForm } from "./attachments/uploads.ts";
import { detachAttachments } from "./attachments/removal.ts";
import { recordLinkPreview } from "./link-previews/record.ts";

/**
 * An edit would leave the content with more files than a form may carry: another edit added some since
 * the form's own check. A 422 that says so; the edit route can show its form again instead.
 */
export class TooManyFilesError extends HttpError {
  constructor() {
    super(422, "stream:edit.filesAddedMeanwhile");
  }
}

function containerUrl(registry: ModuleRegistry, container: Container) {
  return `${registry.containerType(container.type)?.routePrefix ?? ""}/${container.slug}`;
}

async function mentionsOf(registry: ModuleRegistry, policy: ContentPolicy, container: Container, text: string | null | undefined): Promise<ResolvedMentions | null> {
  if (!text) return null;
  const mayMentionContainer = await policy.canManage({ containerType: container.type, containerId: container.id });
  return resolveMentions(registry, text, container, { mayMentionContainer, containerUrl: containerUrl(registry, container) });
}

const renderWith = (mentions: ResolvedMentions | null) => (markdown: string) => renderMarkdown(markdown, mentions?.targets ?? { usernames: new Set() });

/** Refuses adding files past the limit, counting inside the edit's transaction, after its removals. */
async function checkFileLimit(transaction: Transaction, contentId: number, adding: number) {
  if (adding === 0) return;
  const kept = await Attachment.count({ where: { contentId, commentId: null }, transaction });
  if (kept + adding > maxFilesPerForm) throw new TooManyFilesError();
}

/**
 * The one writer of contents rows (DESIGN.md, "Content and the stream"): posts and every module's content
 * go through it, so comments, reactions, mentions, topics, files, search, render versions (database
 * triggers), notifications and live updates (listeners of content.*) work for all alike.
 */
export type { AttachmentChanges };

export class ContentWriter implements ContentApi {
  constructor(
    private sequelize: Sequelize,
    private registry: ModuleRegistry,
  ) {}

  /**
   * Writes a content in a container the author may post in, in one transaction: the module's row, the
   * contents row, topics, mentions and files (a failure leaves neither rows nor files); then emits
   * content.created, which notifies and updates open pages.
   */
  async create(policy: ContentPolicy, input: ContentCreateInput): Promise<Content> {
    const author = policy.user;
    let written;
    try {
      const definition = this.registry.contentType(input.type);
      if (!definition) throw new Error(`content type "${input.type}" is not registered`);
      if (!author || !(await this.mayCreate(policy, definition.createPermission, input.container))) throw forbidden("stream:errors.cannotPost");
      const mentions = await mentionsOf(this.registry, policy, input.container, input.text);
      const { container } = input;
      written = await this.sequelize.transaction(async (transaction) => {
        const context = { transaction, html: renderWith(mentions) };
        const refId = input.refId ?? (await input.write?.(context)) ?? null;
        const content = await Content.create(
          { type: input.type, refId, containerType: container.type, containerId: container.id, streamKey: streamKeyOf(container.type, container.id), authorId: author.id, sortAt: new Date() },
          { transaction },
        );
        await input.afterWrite?.({ ...context, content });
        await syncTopics(transaction, content, input.text ? extractTopics(input.text) : []);
        await recordLinkPreview(transaction, content.id, input.text, true);
        const mentioned = await recordMentions(transaction, { contentId: content.id }, mentions?.readerIds ?? []);
        await attachUploads(transaction, { contentId: content.id, uploaderId: author.id }, input.uploads ?? []);
        return { content, mentioned, mentionsContainer: mentions?.mentionsContainer ?? false };
      });
    } catch (error) {
      await discardUploads(input.uploads ?? []);
      throw error;
    }
    // After the commit: a failing listener must not discard files that are now the content's.
    await this.registry.hooks.emit("content.created", { content: written.content, author, mentionedUserIds: written.mentioned, mentionsContainer: written.mentionsContainer });
    return written.content;
  }

  /** The type's own create permission in a readable, writable container; else the container's posting right. */
  async mayCreate(policy: ContentPolicy, createPermission: string | undefined, container: Container): Promise<boolean> {
    if (!createPermission) return policy.canPostIn(container);
    const containerType = this.registry.containerType(container.type);
    if (!containerType || !(await policy.canReadContainerOf(container)) || (await containerType.isReadOnly?.(container))) return false;
    return can(this.registry, policy.user, createPermission, container);
  }

  /**
   * Edits a content its author may edit: the module's change, the replaced text into the edit history, the
   * content marked edited, topics and mentions following the new text, files attached and removed, all in
   * one transaction (removed files leave the disk once it commits; on failure the new ones are discarded).
   */
  async update(policy: ContentPolicy, content: Content, input: ContentUpdateInput): Promise<void> {
    const editor = policy.user;
    let mentioned: number[] | null;
    try {
      if (!editor || !(await policy.canEdit(content))) throw forbidden();
      const definition = this.registry.containerType(content.containerType);
      const [container] = definition ? (await definition.byIds([content.containerId])).values() : [];
      if (!container) throw notFound();
      const mentions = await mentionsOf(this.registry, policy, container, input.text);
      const { files } = input;
      mentioned = await this.sequelize.transaction(async (transaction) => {
        // Concurrent edits of one content take turns from here (SQLite transactions already do), so the file count below is final.
        await Content.findByPk(content.id, { attributes: ["id"], transaction, lock: transaction.LOCK.UPDATE });
        const removed = files ? await detachAttachments(transaction, files.uploadsDir, content.id, files.removeIds) : 0;
        if (files) await checkFileLimit(transaction, content.id, files.uploads.length);
        if (files) await attachUploads(transaction, { contentId: content.id, uploaderId: editor.id }, files.uploads);
        const replaced = await input.write({ transaction, html: renderWith(mentions) });
        if (!replaced) {
          if (removed > 0 || (files?.uploads.length ?? 0) > 0) await content.update({ editedAt: new Date() }, { transaction });
          return null;
        }
        await ContentRevision.create({ contentId: content.id, editorId: editor.id, title: replaced.title, body: replaced.body }, { transaction });
        await content.update({ editedAt: new Date() }, { transaction });
        await syncTopics(transaction, content, input.text ? extractTopics(input.text) : []);
        await recordLinkPreview(transaction, content.id, input.text);
        return recordMentions(transaction, { contentId: content.id }, mentions?.readerIds ?? []);
      });
    } catch (error) {
      if (input.files) await discardUploads(input.files.uploads);
      throw error;
    }
    if (mentioned) await this.registry.hooks.emit("content.updated", { content, editor, mentionedUserIds: mentioned });
  }

  /** Soft-deletes: the content leaves every stream and can be restored for 30 days. A moderator's delete is audited. */
  async remove(policy: ContentPolicy, content: Content): Promise<void> {
    if (!(await policy.canDelete(content))) throw forbidden();
    const by = policy.user!;
    await this.sequelize.transaction(async (transaction) => {
      await content.update({ deletedAt: new Date(), deletedBy: by.id }, { transaction });
      if (content.authorId !== by.id) await audit(by, "content.deleted", { type: "content", id: content.id }, { authorId: content.authorId }, transaction);
    });
    await this.registry.hooks.emit("content.deleted", { content, by });
  }

  /** Brings a soft-deleted content back (its author or a moderator, within the window). A moderator's restore is audited. */
  async restore(policy: ContentPolicy, content: Content): Promise<void> {
    if (!(await policy.canRestore(content))) throw new HttpError(content.deletedAt ? 403 : 409, content.deletedAt ? "errors:status.403" : "stream:errors.notDeleted");
    const by = policy.user!;
    await this.sequelize.transaction(async (transaction) => {
      await content.update({ deletedAt: null, deletedBy: null }, { transaction });
      if (content.authorId !== by.id) await audit(by, "content.restored", { type: "content", id: content.id }, { authorId: content.authorId }, transaction);
    });
  }
}

/** host.content for one module: the same writer, for the content types that module declared only. */
export function moduleContentApi(writer: ContentWriter, registry: ModuleRegistry, moduleId: string): ContentApi {
  const own = (type: string) => {
    if (registry.contentTypes.get(type)?.moduleId !== moduleId) throw new Error(`module "${moduleId}" writes only its own content types, not "${type}"`);
  };
  return {
    async create(actor, input) {
      own(input.type);
      return writer.create(actor, input);
    },
    async update(actor, content, input) {
      own(content.type);
      return writer.update(actor, content, input);
    },
    async remove(actor, content) {
      own(content.type);
      return writer.remove(actor, content);
    },
    async restore(actor, content) {
      own(content.type);
      return writer.restore(actor, content);
    },
  };
}
