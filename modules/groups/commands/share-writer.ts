import { z } from "zod";
import type { Transaction } from "sequelize";
import { Content, streamKeyOf } from "../../../core/models/content.ts";
import { ContentRevision } from "../../../core/models/post.ts";
import type { Host } from "../../../core/modules/types.ts";
import type { ContentPolicy } from "../../../core/policies/content.ts";
import { forbidden, notFound } from "../../../core/http/errors.ts";
import { extractTopics, renderMarkdown } from "../../../core/content/markdown.ts";
import { recordMentions, resolveMentions, type ResolvedMentions } from "../../../core/content/mentions.ts";
import { syncTopics } from "../../../core/content/topics.ts";
import { Group, containerOf } from "../models/group.ts";
import { GroupShareNote } from "../models/share-note.ts";

export const shareNoteMaxLength = 5000;

/** The note field of the share and note forms: optional Markdown; blank means no note. */
export const shareNoteField = z
  .string()
  .trim()
  .max(shareNoteMaxLength, "groups:share.noteTooLong")
  .optional()
  .transform((value) => value || null);

/** @mentions of a note written in a group: linked, and recorded for those who may read the group (like a post). */
async function mentionsIn(host: Host, policy: ContentPolicy, group: Group, note: string): Promise<ResolvedMentions> {
  const mayMentionContainer = await policy.canManage({ containerType: "group", containerId: group.id });
  return resolveMentions(host.registry, note, containerOf(group), { mayMentionContainer, containerUrl: group.url });
}

/** Writes (or removes, when null) a share's note with its topics and mentions; returns the newly mentioned people. */
async function writeNote(transaction: Transaction, share: Content, note: string | null, mentions: ResolvedMentions | null): Promise<number[]> {
  // The caller holds the share's row (a new one, or locked): no other writer of its note meanwhile.
  const existing = await GroupShareNote.findOne({ where: { contentId: share.id }, transaction });
  if (note === null) await existing?.destroy({ transaction });
  else {
    const fields = { body: note, bodyHtml: renderMarkdown(note, mentions!.targets) };
    if (existing) await existing.update(fields, { transaction });
    else await GroupShareNote.create({ contentId: share.id, ...fields }, { transaction });
  }
  await syncTopics(transaction, share, note ? extractTopics(note) : []);
  return mentions ? recordMentions(transaction, { contentId: share.id }, mentions.readerIds) : [];
}

/** Shares a readable content into a group the sharer may post in, with an optional note; tells modules once it is written. */
export async function createShare(host: Host, policy: ContentPolicy, original: Content, group: Group, note: string | null): Promise<Content> {
  const author = policy.user!;
  if (!(await policy.canPostIn(containerOf(group)))) throw forbidden("groups:errors.shareTarget");
  const mentions = note ? await mentionsIn(host, policy, group, note) : null;
  const { share, mentioned } = await host.sequelize.transaction(async (transaction) => {
    const share = await Content.create(
      { type: "share", refId: original.id, containerType: "group", containerId: group.id, streamKey: streamKeyOf("group", group.id), authorId: author.id, sortAt: new Date() },
      { transaction },
    );
    return { share, mentioned: await writeNote(transaction, share, note, mentions) };
  });
  await host.emit("content.created", { content: share, author, mentionedUserIds: mentioned, mentionsContainer: mentions?.mentionsContainer ?? false });
  return share;
}

/** The note of a share as its author last saved it, or null. */
export async function noteOf(share: Content): Promise<string | null> {
  return (await GroupShareNote.findOne({ where: { contentId: share.id } }))?.body ?? null;
}

/**
 * Changes a share's note (its author only, on a live share): the previous note goes to the edit history, the
 * share is marked edited, topics and mentions follow the new text. Nothing changes when the text is the same.
 */
export async function editShareNote(host: Host, policy: ContentPolicy, share: Content, note: string | null): Promise<void> {
  const editor = policy.user!;
  if (share.type !== "share" || !share.isLive || share.containerType !== "group") throw notFound();
  if (share.authorId !== editor.id || !(await policy.canEdit(share))) throw forbidden();
  const group = await Group.findByPk(share.containerId);
  if (!group) throw notFound();
  const mentions = note ? await mentionsIn(host, policy, group, note) : null;
  const mentioned = await host.sequelize.transaction(async (transaction) => {
    // Two saves of one note take turns (SQLite transactions already do).
    await Content.findByPk(share.id, { attributes: ["id"], transaction, lock: transaction.LOCK.UPDATE });
    const before = await GroupShareNote.findOne({ where: { contentId: share.id }, transaction });
    if ((before?.body ?? null) === note) return null;
    await ContentRevision.create({ contentId: share.id, editorId: editor.id, title: null, body: before?.body ?? "" }, { transaction });
    await share.update({ editedAt: new Date() }, { transaction });
    return writeNote(transaction, share, note, mentions);
  });
  if (mentioned) await host.emit("content.updated", { content: share, editor, mentionedUserIds: mentioned });
}
