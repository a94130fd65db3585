import { Op } from "sequelize";
import { Attachment } from "../../models/attachment.ts";
import type { ContentPolicy } from "../../policies/content.ts";
import type { EntryOptions, StreamEntry } from "../../modules/types.ts";
import { shownComments } from "../comments/entries.ts";
import { kindOf, type AttachmentView } from "./file-types.ts";
import { fittedSize, largeBox } from "./images.ts";

export type { AttachmentView } from "./file-types.ts";

declare module "../../modules/types.ts" {
  interface StreamEntryExtras {
    /** Files attached to the content itself (not to its comments), oldest first. */
    attachments?: AttachmentView[];
  }
}

function readableSize(bytes: number): AttachmentView["size"] {
  if (bytes < 1024) return { bytes, value: bytes, unit: "bytes" };
  if (bytes < 1024 * 1024) return { bytes, value: Math.round(bytes / 1024), unit: "kb" };
  return { bytes, value: Math.round((bytes / (1024 * 1024)) * 10) / 10, unit: "mb" };
}

/** The name is only decoration in the URL (the id decides); "thumb" would collide with the thumbnail route. */
function urlName(name: string) {
  return name === "thumb" ? "file" : encodeURIComponent(name);
}

export function attachmentView(attachment: Attachment): AttachmentView {
  const hasThumbnail = Boolean(attachment.thumbnailKey);
  return {
    id: attachment.id,
    name: attachment.originalName,
    mime: attachment.mime,
    kind: kindOf(attachment.mime),
    isImage: attachment.isImage && hasThumbnail,
    isVideo: kindOf(attachment.mime) === "video",
    size: readableSize(attachment.size),
    url: `/files/${attachment.id}/${urlName(attachment.originalName)}`,
    thumbnailUrl: hasThumbnail ? `/files/${attachment.id}/thumb` : null,
    thumbnail: hasThumbnail ? fittedSize(attachment.width, attachment.height) : null,
    full: hasThumbnail ? fittedSize(attachment.width, attachment.height, Infinity) : null,
    large: hasThumbnail ? fittedSize(attachment.width, attachment.height, largeBox) : null,
  };
}

function grouped(attachments: Attachment[], key: (attachment: Attachment) => number | null): Map<number, AttachmentView[]> {
  const groups = new Map<number, AttachmentView[]>();
  for (const attachment of attachments) {
    const id = key(attachment);
    if (id !== null) groups.set(id, [...(groups.get(id) ?? []), attachmentView(attachment)]);
  }
  return groups;
}

/** The files attached to these contents themselves (not to their comments), by content id, in one query. */
export async function filesOfContents(contentIds: number[]): Promise<Map<number, AttachmentView[]>> {
  if (contentIds.length === 0) return new Map();
  const attachments = await Attachment.findAll({ where: { contentId: { [Op.in]: [...new Set(contentIds)] }, commentId: null }, order: [["id", "ASC"]] });
  return grouped(attachments, (attachment) => attachment.contentId);
}

/**
 * Adds the files of a page of (already readable) entries and of the comments shown with them (added
 * by addComments, which runs first), in one query. A deleted comment shows no files.
 */
export async function addAttachments(entries: StreamEntry[], _policy: ContentPolicy, _options: EntryOptions): Promise<void> {
  if (entries.length === 0) return;
  const contentIds = [...new Set(entries.map((entry) => entry.content.id))];
  const comments = shownComments(entries);
  const commentIds = [...new Set(comments.map((view) => view.comment.id))];
  const ofContents = { contentId: { [Op.in]: contentIds }, commentId: null };
  const attachments = await Attachment.findAll({
    where: commentIds.length > 0 ? { [Op.or]: [ofContents, { commentId: { [Op.in]: commentIds } }] } : ofContents,
    order: [["id", "ASC"]],
  });
  const byContent = grouped(
    attachments.filter((attachment) => attachment.commentId === null),
    (attachment) => attachment.contentId,
  );
  const byComment = grouped(attachments, (attachment) => attachment.commentId);
  for (const entry of entries) entry.attachments = byContent.get(entry.content.id) ?? [];
  for (const view of comments) view.attachments = byComment.get(view.comment.id) ?? [];
}
