import { QueryTypes } from "sequelize";
import { Announcement } from "../../models/announcement.ts";
import { Content, streamKeyOf } from "../../models/content.ts";
import type { ModuleRegistry } from "../../modules/registry.ts";
import type { ContentPolicy } from "../../policies/content.ts";
import { companyContainer } from "../core-containers.ts";
import { loadEntries, type StreamEntry } from "../entries.ts";
import { byIdsInOrder } from "../stream.ts";
import { canSeeReaders } from "./lookup.ts";

/** At most this many announcements at the top of a page: beyond that nobody reads them anyway. */
export const maxAnnouncementsShown = 10;

/** One announcement ready to render with "announcements/list.njk". */
export interface AnnouncementView {
  announcement: Announcement;
  entry: StreamEntry;
  /** The viewer may open the read-receipt page. */
  canSeeReaders: boolean;
}

/**
 * Running announcements of a container (stream key "type:id") that the viewer has neither dismissed nor
 * acknowledged, newest first: deleted or hidden contents are left out in SQL, unreadable ones by the policy.
 * A bounded number of queries whatever the number of announcements.
 */
export async function announcementsIn(registry: ModuleRegistry, policy: ContentPolicy, streamKey: string): Promise<AnnouncementView[]> {
  const viewer = policy.user;
  if (!viewer || !viewer.isActive) return [];
  const sequelize = Announcement.sequelize!;
  const rows = await sequelize.query<{ id: number; content_id: number }>(
    `SELECT a.id, a.content_id FROM announcements a JOIN contents c ON c.id = a.content_id
     WHERE a.ended_at IS NULL AND (a.expires_at IS NULL OR a.expires_at > :now)
       AND c.stream_key = :streamKey AND c.deleted_at IS NULL AND c.hidden_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM announcement_receipts r WHERE r.announcement_id = a.id AND r.user_id = :userId
                       AND (r.dismissed_at IS NOT NULL OR r.acknowledged_at IS NOT NULL))
     ORDER BY a.created_at DESC, a.id DESC LIMIT :limit`,
    { replacements: { now: new Date(), streamKey, userId: viewer.id, limit: maxAnnouncementsShown }, type: QueryTypes.SELECT },
  );
  if (rows.length === 0) return [];
  const [announcements, contents] = await Promise.all([
    Announcement.findAll({ where: { id: rows.map((row) => Number(row.id)) } }),
    byIdsInOrder(rows.map((row) => Number(row.content_id))),
  ]);
  const readable: Content[] = (await policy.filterReadable(contents)).filter((content) => content.isLive);
  const entries = new Map((await loadEntries(registry, policy, readable)).map((entry) => [entry.content.id, entry]));
  const byContent = new Map(announcements.map((announcement) => [announcement.contentId, announcement]));
  const views: AnnouncementView[] = [];
  for (const content of readable) {
    const entry = entries.get(content.id);
    const announcement = byContent.get(content.id);
    if (!entry || !announcement) continue;
    views.push({ announcement, entry, canSeeReaders: await canSeeReaders(policy, announcement, content) });
  }
  return views;
}

/** The company-wide announcements at the top of the viewer's dashboard. */
export function dashboardAnnouncements(registry: ModuleRegistry, policy: ContentPolicy): Promise<AnnouncementView[]> {
  return announcementsIn(registry, policy, streamKeyOf(companyContainer.type, companyContainer.id));
}
