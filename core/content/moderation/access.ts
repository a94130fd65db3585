import type { Content } from "../../models/content.ts";
import type { ContentPolicy } from "../../policies/content.ts";

/** What the moderation questions need to know about a reported thing: where it lives and who wrote it. */
export interface ModerationSubject {
  containerType: string;
  containerId: number;
  authorId: number;
}

/**
 * May the viewer act on reports of this subject (hide, restore, dismiss)? Its container's moderators may,
 * except on what they wrote themselves (nobody judges their own case); instance admins always may.
 */
export async function canHandle(policy: ContentPolicy, subject: ModerationSubject): Promise<boolean> {
  const user = policy.user;
  if (!user || !user.isActive) return false;
  if (user.isAdmin) return true;
  return subject.authorId !== user.id && (await policy.canModerate(subject));
}

/** A row of a moderation list: the subject to judge and the content it belongs to. */
export interface ModerationRow {
  subject: ModerationSubject;
  content: Content;
}

/**
 * Keeps the rows the viewer may handle and read (reports of a private container the viewer cannot read go
 * to that container's moderators, never into an admin's list): roles are loaded once for the whole batch.
 */
export async function filterHandled<T extends ModerationRow>(policy: ContentPolicy, rows: T[]): Promise<T[]> {
  await policy.loadRoles(rows.map((row) => row.subject));
  const kept: T[] = [];
  for (const row of rows) if ((await canHandle(policy, row.subject)) && (await policy.canRead(row.content))) kept.push(row);
  return kept;
}

/** A reader may report live content someone else wrote (readability is checked by the caller). */
export function canReport(policy: ContentPolicy, content: Pick<Content, "authorId" | "isLive">): boolean {
  const user = policy.user;
  return Boolean(user && user.isActive && content.isLive && content.authorId !== user.id);
}
