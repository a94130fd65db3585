import { Announcement } from "../../models/announcement.ts";
import { Content } from "../../models/content.ts";
import { notFound } from "../../http/errors.ts";
import type { ContentPolicy } from "../../policies/content.ts";

/**
 * An announcement and its content, or a 404 when either is gone, the content is deleted or hidden, or the
 * viewer may not read it: the answer never tells an outsider that the announcement exists.
 */
export async function readableAnnouncement(policy: ContentPolicy, id: number): Promise<{ announcement: Announcement; content: Content }> {
  const announcement = id ? await Announcement.findByPk(id) : null;
  const content = announcement ? await Content.findByPk(announcement.contentId) : null;
  if (!announcement || !content || !content.isLive || !(await policy.canRead(content))) throw notFound();
  return { announcement, content };
}

/** Whoever wrote or announced it: never asked to confirm reading it, and not counted among its readers. */
export function isOwnAnnouncement(announcement: Announcement, content: Content, userId: number): boolean {
  return content.authorId === userId || announcement.createdBy === userId;
}

/** Who may see who has read an announcement: its content's author, whoever announced it, and the container's managers. */
export async function canSeeReaders(policy: ContentPolicy, announcement: Announcement, content: Content): Promise<boolean> {
  const viewer = policy.user;
  if (!viewer) return false;
  return content.authorId === viewer.id || announcement.createdBy === viewer.id || (await policy.canManage(content));
}
