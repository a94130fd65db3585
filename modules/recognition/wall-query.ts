import { QueryTypes, type Sequelize } from "sequelize";
import type { ContentPolicy, Host } from "../../core/sdk/index.ts";

/** The wall's filters, checked: ids resolved, dates as instants. */
export interface WallFilters {
  groupId?: number;
  badgeId?: number;
  value?: string;
  personId?: number;
  /** Only kudos this person received (a profile's tab). */
  recipientId?: number;
  from?: Date;
  to?: Date;
  /** Keyset: kudos with a smaller id than this (the last one of the previous page). */
  before?: number;
}

const containerTypes = ["company", "group", "user"];

/**
 * Where rows of an alias (with container_type and container_id columns: k for kudos, c for contents) are
 * readable by the policy's reader, as SQL: one query per container type, cached on the policy.
 */
export async function readableSql(policy: ContentPolicy, replacements: Record<string, unknown>, alias = "k", groupsOn?: Set<number>): Promise<string> {
  const parts: string[] = [];
  for (const type of containerTypes) {
    const readable = await policy.readableIds(type);
    // Kudos of a group that switched the module off stay out, as they do from its stream.
    const ids = type === "group" && groupsOn ? new Set([...groupsOn].filter((id) => readable === "all" || readable.has(id))) : readable;
    if (ids === "all") parts.push(`${alias}.container_type = '${type}'`);
    else if (ids.size > 0) {
      replacements[`ids_${alias}_${type}`] = [...ids];
      parts.push(`(${alias}.container_type = '${type}' AND ${alias}.container_id IN (:ids_${alias}_${type}))`);
    }
  }
  return parts.length > 0 ? `(${parts.join(" OR ")})` : "1 = 0";
}

/**
 * One page of the wall: ids of live kudos contents the reader may read, newest first, filtered; `readable`
 * false gives only what every member may read (the company stream), for the office screen.
 */
export async function wallPage(sequelize: Sequelize, policy: ContentPolicy | null, filters: WallFilters, limit: number, groupsOn?: Set<number>): Promise<{ kudosId: number; contentId: number }[]> {
  const replacements: Record<string, unknown> = { limit };
  const where = ["c.deleted_at IS NULL", "c.hidden_at IS NULL", policy ? await readableSql(policy, replacements, "k", groupsOn) : "k.container_type = 'company'"];
  if (filters.groupId) {
    where.push("k.container_type = 'group' AND k.container_id = :groupId");
    replacements.groupId = filters.groupId;
  }
  if (filters.badgeId) {
    where.push("k.badge_id = :badgeId");
    replacements.badgeId = filters.badgeId;
  }
  if (filters.value) {
    where.push("b.company_value = :value");
    replacements.value = filters.value;
  }
  if (filters.personId) {
    where.push("(k.giver_id = :personId OR EXISTS (SELECT 1 FROM recognition_kudos_recipients r WHERE r.kudos_id = k.id AND r.recipient_id = :personId))");
    replacements.personId = filters.personId;
  }
  if (filters.recipientId) {
    where.push("EXISTS (SELECT 1 FROM recognition_kudos_recipients r WHERE r.kudos_id = k.id AND r.recipient_id = :recipientId)");
    replacements.recipientId = filters.recipientId;
  }
  if (filters.from) {
    where.push("k.created_at >= :from");
    replacements.from = filters.from;
  }
  if (filters.to) {
    where.push("k.created_at < :to");
    replacements.to = filters.to;
  }
  if (filters.before) {
    where.push("k.id < :before");
    replacements.before = filters.before;
  }
  const rows = await sequelize.query<{ id: number | string; content_id: number | string }>(
    `SELECT k.id, k.content_id FROM recognition_kudos k
     JOIN contents c ON c.id = k.content_id
     JOIN recognition_badges b ON b.id = k.badge_id
     WHERE ${where.join(" AND ")} ORDER BY k.id DESC LIMIT :limit`,
    { replacements, type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({ kudosId: Number(row.id), contentId: Number(row.content_id) }));
}

/** The groups with kudos where the module is on now (one query each way). */
export async function groupsWithModuleOn(host: Host): Promise<Set<number>> {
  const rows = await host.sequelize.query<{ id: number | string }>("SELECT DISTINCT container_id AS id FROM recognition_kudos WHERE container_type = 'group'", { type: QueryTypes.SELECT });
  return host.onInMany("group", rows.map((row) => Number(row.id)));
}
