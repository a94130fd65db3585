import { columnDate, modelRows, takeColumn } from "../../db/model-rows.ts";
import { Announcement } from "../../models/announcement.ts";
import { Content, streamKeyOf } from "../../models/content.ts";
import type { ModuleRegistry } from "../../modules/registry.ts";
import type { ContentPolicy } from "../../policies/content.ts";
import { companyContainer } from "../core-containers.ts";
import { loadEntries, type StreamEntry } from "../entries.ts";
import { canSeeReaders, isOwnAnnouncement } from "./lookup.ts";

/** At most this many announcements at the top of a page: beyond that nobody reads them anyway. */
export const maxAnnouncementsShown = 10;

/** One announcement ready to render with "announcements/list.njk". */
export interface AnnouncementView<E extends { content: Content } = StreamEntry> {
  announcement: Announcement;
  entry: E;
  /** The viewer may open the read-receipt page. */
  canSeeReaders: boolean;
  /** The viewer wrote or announced it: not asked to confirm reading it. */
  isOwn: boolean;
}

/** Running announcements of a container the viewer may read, before their entries are loaded. */
export interface RunningAnnouncements {
  /** Readable live contents, newest announcement first. */
  contents: Content[];
  byContent: Map<number, Announcement>;
}

/**
 * Running announcements of a container (stream key "type:id") that the viewer has neither dismissed nor
 * acknowledged, newest first: deleted or hidden contents are left out in SQL, unreadable ones by the policy.
 * One query whatever the number: the contents' rows, each with its announcement's columns under aliases.
 * The caller loads their entries, with its own page's if it has one.
 */
export async function runningAnnouncements(policy: ContentPolicy, streamKey: string): Promise<RunningAnnouncements> {
  const viewer = policy.user;
  if (!viewer || !viewer.isActive) return { contents: [], byContent: new Map() };
  // CROSS JOIN makes SQLite start from the few running announcements, not from the container's whole stream.
  const rows = await modelRows(
    Content,
    `SELECT c.*, a.id AS agora_announcement_id, a.requires_ack AS agora_requires_ack, a.expires_at AS agora_expires_at,
            a.created_by AS agora_created_by, a.ended_at AS agora_ended_at, a.created_at AS agora_announced_at, a.updated_at AS agora_announcement_updated_at
     FROM announcements a CROSS JOIN contents c
     WHERE c.id = a.content_id AND a.ended_at IS NULL AND (a.expires_at IS NULL OR a.expires_at > :now)
       AND c.stream_key = :streamKey AND c.deleted_at IS NULL AND c.hidden_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM announcement_receipts r WHERE r.announcement_id = a.id AND r.user_id = :userId
                       AND (r.dismissed_at IS NOT NULL OR r.acknowledged_at IS NOT NULL))
     ORDER BY a.created_at DESC, a.id DESC LIMIT :limit`,
    { now: new Date(), streamKey, userId: viewer.id, limit: maxAnnouncementsShown },
  );
  const byContent = new Map<number, Announcement>();
  for (const content of rows) byContent.set(content.id, announcementOf(content));
  return { contents: (await policy.filterReadable(rows)).filter((content) => content.isLive), byContent };
}

/** The announcement read with its content (the agora_ aliases above), taken out of the content's values. */
function announcementOf(content: Content): Announcement {
  const take = (name: string) => takeColumn(content, `agora_${name}`);
  const requiresAck = take("requires_ack");
  return Announcement.build(
    {
      id: Number(take("announcement_id")),
      contentId: content.id,
      // PostgreSQL answers a boolean, SQLite 0 or 1.
      requiresAck: requiresAck === true || Number(requiresAck) === 1,
      expiresAt: columnDate(take("expires_at")),
      createdBy: Number(take("created_by")),
      endedAt: columnDate(take("ended_at")),
      createdAt: columnDate(take("announced_at")) ?? undefined,
      updatedAt: columnDate(take("announcement_updated_at")) ?? undefined,
    },
    { isNewRecord: false, raw: true },
  );
}

/** The views of running announcements, from entries loaded for them (and possibly for other contents). */
export async function announcementViews<E extends { content: Content }>(policy: ContentPolicy, running: RunningAnnouncements, entries: E[]): Promise<AnnouncementView<E>[]> {
  const byId = new Map(entries.map((entry) => [entry.content.id, entry]));
  const views: AnnouncementView<E>[] = [];
  for (const content of running.contents) {
    const entry = byId.get(content.id);
    const announcement = running.byContent.get(content.id);
    if (!entry || !announcement) continue;
    views.push({ announcement, entry, canSeeReaders: await canSeeReaders(policy, announcement, content), isOwn: !!policy.user && isOwnAnnouncement(announcement, content, policy.user.id) });
  }
  return views;
}

/** Running announcements of a container with their entries (a bounded number of queries). */
export async function announcementsIn(registry: ModuleRegistry, policy: ContentPolicy, streamKey: string): Promise<AnnouncementView[]> {
  return (await entriesWithAnnouncements(policy, [], streamKey, (contents) => loadEntries(registry, policy, contents))).announcements;
}

export const companyStreamKey = streamKeyOf(companyContainer.type, companyContainer.id);

/**
 * What an announcement's answer (announcements/list.njk, put inside its entry) depends on besides the page:
 * its entry is cached per variant, so a reader's dashboard does not load and render it again on every visit.
 */
async function answerVariant(policy: ContentPolicy, announcement: Announcement, content: Content): Promise<string> {
  const asks = announcement.requiresAck && !(policy.user && isOwnAnnouncement(announcement, content, policy.user.id));
  return `announcement:${announcement.id}:${asks ? "ask" : "dismiss"}:${(await canSeeReaders(policy, announcement, content)) ? "readers" : ""}`;
}

/**
 * A page's entries and, unless streamKey is null (a partial page), the container's running announcements:
 * both loaded in one batch, so the page costs one set of entry queries, not two. An announcement shown at the
 * top is not repeated in the stream below it (one entry, one set of element ids, on a page). The announcements'
 * entries carry their answer form (announcements/list.njk): `load` caches them per answer variant.
 */
export async function entriesWithAnnouncements<E extends { content: Content }>(
  policy: ContentPolicy,
  contents: Content[],
  streamKey: string | null,
  load: (contents: Content[], variants: ReadonlyMap<number, string>) => Promise<E[]>,
) {
  const running = streamKey ? await runningAnnouncements(policy, streamKey) : null;
  const announced = new Set(running?.contents.map((content) => content.id));
  const variants = new Map<number, string>();
  for (const content of running?.contents ?? []) variants.set(content.id, await answerVariant(policy, running!.byContent.get(content.id)!, content));
  const below = contents.filter((content) => !announced.has(content.id));
  const loaded = await load([...below, ...(running?.contents ?? [])], variants);
  const onPage = new Set(below.map((content) => content.id));
  return {
    entries: loaded.filter((entry) => onPage.has(entry.content.id)),
    announcements: running ? await announcementViews(policy, running, loaded) : [],
  };
}
