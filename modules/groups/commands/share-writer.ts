import { z } from "zod";
import { type Content, type Host, type ContentPolicy, forbidden, notFound } from "../../../core/sdk/index.ts";
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

/** Shares a readable content into a group the sharer may post in, with an optional note (Markdown: its mentions and topics count like a post's). */
export async function createShare(host: Host, policy: ContentPolicy, original: Content, group: Group, note: string | null): Promise<Content> {
  if (!(await policy.canPostIn(containerOf(group)))) throw forbidden("groups:errors.shareTarget");
  return host.content.create(policy, {
    type: "share",
    container: containerOf(group),
    text: note,
    refId: original.id,
    async afterWrite({ transaction, content, html }) {
      if (note) await GroupShareNote.create({ contentId: content.id, body: note, bodyHtml: html(note) }, { transaction });
    },
  });
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
  if (share.type !== "share" || !share.isLive || share.containerType !== "group") throw notFound();
  if (share.authorId !== policy.user?.id) throw forbidden();
  await host.content.update(policy, share, {
    text: note,
    async write({ transaction, html }) {
      const before = await GroupShareNote.findOne({ where: { contentId: share.id }, transaction });
      if ((before?.body ?? null) === note) return null;
      const replaced = { title: null, body: before?.body ?? "" };
      if (note === null) await before?.destroy({ transaction });
      else if (before) await before.update({ body: note, bodyHtml: html(note) }, { transaction });
      else await GroupShareNote.create({ contentId: share.id, body: note, bodyHtml: html(note) }, { transaction });
      return replaced;
    },
  });
}
