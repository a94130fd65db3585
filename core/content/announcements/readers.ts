import { QueryTypes } from "sequelize";
import { z } from "zod";
import type { Announcement } from "../../models/announcement.ts";
import type { Content } from "../../models/content.ts";
import type { ModuleRegistry } from "../../modules/registry.ts";
import { badRequest } from "../../http/errors.ts";

export const readerFilters = ["all", "read", "unread"] as const;
export type ReaderFilter = (typeof readerFilters)[number];
export const readersPageSize = 50;

/**
 * Who an announcement is meant for. The company stream and profiles are read by every active non-guest
 * account; another container type names its members (memberIds); without that, only people who answered are known.
 */
type Audience = { kind: "staff" } | { kind: "members"; ids: number[] } | { kind: "answered" };

async function audienceOf(registry: ModuleRegistry, content: Content): Promise<Audience> {
  if (content.containerType === "company" || content.containerType === "user") return { kind: "staff" };
  const definition = registry.containerType(content.containerType);
  const [container] = definition ? (await definition.byIds([content.containerId])).values() : [];
  if (!definition?.memberIds || !container) return { kind: "answered" };
  return { kind: "members", ids: await definition.memberIds(container) };
}

export interface ReaderRow {
  id: number;
  displayName: string;
  username: string;
  acknowledgedAt: Date | null;
  dismissedAt: Date | null;
}

export interface ReadersPage {
  rows: ReaderRow[];
  /** total is null when the container type cannot list its readers. */
  counts: { read: number; total: number | null };
  after: string | null;
}

/** The keyset cursor: the last row's (display name, id), opaque in the URL. */
const cursor = z.tuple([z.string().max(100), z.number().int().positive()]);
const encodeCursor = (row: ReaderRow) => Buffer.from(JSON.stringify([row.displayName, row.id])).toString("base64url");
function decodeCursor(value: string): [string, number] {
  try {
    return cursor.parse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
  } catch {
    throw badRequest("announcements:errors.cursor");
  }
}

const dateOrNull = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));

/**
 * A page of the read-receipt list and the counts: "read" means acknowledged when the announcement asks for
 * it, else acknowledged or dismissed. Two queries, keyset on (display name, id) over users_display_name.
 */
export async function readersPage(registry: ModuleRegistry, announcement: Announcement, content: Content, options: { filter: ReaderFilter; after?: string }): Promise<ReadersPage> {
  const sequelize = announcement.sequelize;
  const audience = await audienceOf(registry, content);
  const audienceSql = { staff: "u.role <> 'guest'", members: "u.id IN (:memberIds)", answered: "r.user_id IS NOT NULL" }[audience.kind];
  const memberIds = audience.kind === "members" ? audience.ids : [];
  if (audience.kind === "members" && memberIds.length === 0) return { rows: [], counts: { read: 0, total: 0 }, after: null };
  const read = announcement.requiresAck ? "r.acknowledged_at IS NOT NULL" : "(r.acknowledged_at IS NOT NULL OR r.dismissed_at IS NOT NULL)";
  // Whoever wrote or announced it is not asked to confirm reading it (isOwnAnnouncement): neither read nor "not yet".
  const from = `FROM users u LEFT JOIN announcement_receipts r ON r.announcement_id = :announcementId AND r.user_id = u.id
    WHERE u.status = 'active' AND ${audienceSql} AND u.id NOT IN (:ownerIds)`;
  const ownerIds = [...new Set([content.authorId, announcement.createdBy])];
  const replacements: Record<string, unknown> = { announcementId: announcement.id, memberIds, ownerIds, limit: readersPageSize + 1 };

  const [count] = await sequelize.query<{ total_count: number | string; read_count: number | string | null }>(`SELECT COUNT(*) AS total_count, SUM(CASE WHEN ${read} THEN 1 ELSE 0 END) AS read_count ${from}`, {
    replacements,
    type: QueryTypes.SELECT,
  });

  const conditions = [{ all: "", read: `AND ${read}`, unread: `AND NOT ${read}` }[options.filter]];
  if (options.after) {
    const [name, id] = decodeCursor(options.after);
    Object.assign(replacements, { name, id });
    conditions.push("AND (u.display_name > :name OR (u.display_name = :name AND u.id > :id))");
  }
  const found = await sequelize.query<Record<string, unknown>>(
    `SELECT u.id, u.display_name, u.username, r.acknowledged_at, r.dismissed_at ${from} ${conditions.join(" ")}
     ORDER BY u.display_name ASC, u.id ASC LIMIT :limit`,
    { replacements, type: QueryTypes.SELECT },
  );
  const rows = found.slice(0, readersPageSize).map((row) => ({
    id: Number(row.id),
    displayName: String(row.display_name),
    username: String(row.username),
    acknowledgedAt: dateOrNull(row.acknowledged_at),
    dismissedAt: dateOrNull(row.dismissed_at),
  }));
  return {
    rows,
    counts: { read: Number(count?.read_count ?? 0), total: audience.kind === "answered" ? null : Number(count?.total_count ?? 0) },
    after: found.length > readersPageSize ? encodeCursor(rows.at(-1)!) : null,
  };
}
