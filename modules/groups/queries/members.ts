import { QueryTypes, type Sequelize } from "sequelize";
import type { GroupRole } from "../models/membership.ts";
import { likePattern } from "./directory.ts";

export interface MemberRow {
  userId: number;
  username: string;
  displayName: string;
  photoKey: string | null;
  role: GroupRole;
  joinedAt: Date;
  isFromDirectory: boolean;
}

interface Row {
  user_id: number;
  username: string;
  display_name: string;
  photo_key: string | null;
  role: GroupRole;
  created_at: string | Date;
  source: string;
}

const toMember = (row: Row): MemberRow => ({ userId: Number(row.user_id), username: row.username, displayName: row.display_name, photoKey: row.photo_key ?? null, role: row.role, joinedAt: new Date(row.created_at), isFromDirectory: row.source === "directory" });

/** The group's owners, admins and moderators (a short list), by role then name. */
export async function managersOf(sequelize: Sequelize, groupId: number): Promise<MemberRow[]> {
  const rows = await sequelize.query<Row>(
    `SELECT m.user_id, u.username, u.display_name, u.photo_key, m.role, m.created_at, m.source FROM group_memberships m JOIN users u ON u.id = m.user_id
     WHERE m.group_id = :groupId AND m.role IN ('owner', 'admin', 'moderator') AND u.status = 'active'
     ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, u.display_name, u.id LIMIT 200`,
    { replacements: { groupId }, type: QueryTypes.SELECT },
  );
  return rows.map(toMember);
}

export interface MemberCursor {
  name: string;
  id: number;
}

/** A page of members in name order (keyset on display name, id), optionally matching a search or holding one role. */
export async function membersPage(
  sequelize: Sequelize,
  groupId: number,
  query: { search?: string; after: MemberCursor | null; limit: number; role?: GroupRole },
): Promise<{ members: MemberRow[]; next: MemberCursor | null }> {
  const replacements: Record<string, unknown> = { groupId, limit: query.limit + 1 };
  const conditions = ["m.group_id = :groupId", "u.status = 'active'"];
  if (query.role) {
    conditions.push("m.role = :role");
    replacements.role = query.role;
  }
  if (query.search) {
    conditions.push("(LOWER(u.display_name) LIKE :like ESCAPE '\\' OR u.username LIKE :like ESCAPE '\\')");
    replacements.like = likePattern(query.search);
  }
  if (query.after) {
    conditions.push("(u.display_name > :afterName OR (u.display_name = :afterName AND u.id > :afterId))");
    Object.assign(replacements, { afterName: query.after.name, afterId: query.after.id });
  }
  const rows = await sequelize.query<Row>(
    `SELECT m.user_id, u.username, u.display_name, u.photo_key, m.role, m.created_at, m.source FROM group_memberships m JOIN users u ON u.id = m.user_id
     WHERE ${conditions.join(" AND ")} ORDER BY u.display_name, u.id LIMIT :limit`,
    { replacements, type: QueryTypes.SELECT },
  );
  const members = rows.map(toMember);
  const page = members.slice(0, query.limit);
  const last = page.at(-1);
  return { members: page, next: members.length > query.limit && last ? { name: last.displayName, id: last.userId } : null };
}

/** Who a leaving sole owner may hand the group to: other active members whose role may change here (not directory ones), managers first. */
export async function handOverCandidates(sequelize: Sequelize, groupId: number, leavingUserId: number, limit = 200): Promise<MemberRow[]> {
  const rows = await sequelize.query<Row>(
    `SELECT m.user_id, u.username, u.display_name, u.photo_key, m.role, m.created_at, m.source FROM group_memberships m JOIN users u ON u.id = m.user_id
     WHERE m.group_id = :groupId AND m.user_id <> :leavingUserId AND m.source <> 'directory' AND u.status = 'active'
     ORDER BY CASE m.role WHEN 'admin' THEN 0 WHEN 'moderator' THEN 1 ELSE 2 END, u.display_name, u.id LIMIT :limit`,
    { replacements: { groupId, leavingUserId, limit }, type: QueryTypes.SELECT },
  );
  return rows.map(toMember);
}
