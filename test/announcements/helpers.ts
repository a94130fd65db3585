import type { TestApp } from "../helpers/app.ts";

/** The announcement row of a content, straight from the database. */
export async function announcementOf(contentId: number) {
  const { Announcement } = await import("../../core/models/announcement.ts");
  return Announcement.findOne({ where: { contentId } });
}

/** A content policy for a user, as a request of theirs would build it. */
export async function policyFor(app: TestApp, userId: number) {
  const { ContentPolicy } = await import("../../core/policies/content.ts");
  const { User } = await import("../../core/models/user.ts");
  return new ContentPolicy(app.app.registry, await User.findByPk(userId));
}

/** What marks a running announcement on a page for its reader: its dismiss or acknowledge form. */
export const announcementMarker = (id: number) => new RegExp(`action="/announcements/${id}/(dismiss|acknowledge)"`);

/** A date (YYYY-MM-DD, UTC) some days from now. */
export const dayFromNow = (days: number) => new Date(Date.now() + days * 24 * 3600 * 1000).toISOString().slice(0, 10);
