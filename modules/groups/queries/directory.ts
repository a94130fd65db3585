import { QueryTypes, type Sequelize } from "sequelize";
import { type User, badRequest } from "../../../core/sdk/index.ts";

export interface DirectoryCursor {
  sortName: string;
  id: number;
}

/** "<id>.<base64url(sort name)>": the keyset position after the last group shown. */
export function encodeDirectoryCursor(cursor: DirectoryCursor) {
  return `${cursor.id}.${Buffer.from(cursor.sortName).toString("base64url")}`;
}

export function decodeDirectoryCursor(value: unknown): DirectoryCursor | null {
  if (value === undefined || value === "") return null;
  const match = typeof value === "string" ? /^([1-9]\d{0,9})\.([A-Za-z0-9_-]{0,200})$/.exec(value) : null;
  if (!match) throw badRequest("groups:errors.cursor");
  return { id: Number(match[1]), sortName: Buffer.from(match[2], "base64url").toString() };
}

export interface DirectoryQuery {
  /** "mine": the user's memberships only. */
  scope: "all" | "mine";
  search?: string;
  categoryId?: number;
  isArchived: boolean;
  after: DirectoryCursor | null;
  limit: number;
}

/** Escapes LIKE wildcards typed by the user. */
export function likePattern(text: string) {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** What a directory card shows: the group's public face and the viewer's role in it. */
export interface DirectoryRow {
  id: number;
  slug: string;
  url: string;
  name: string;
  sortName: string;
  summary: string;
  visibility: string;
  isArchived: boolean;
  memberCount: number;
  iconKey: string | null;
  categoryId: number | null;
  role: string | null;
}

interface RawRow {
  id: number;
  slug: string;
  name: string;
  sort_name: string;
  summary: string;
  visibility: string;
  is_archived: boolean | number;
  member_count: number;
  icon_key: string | null;
  category_id: number | null;
  role: string | null;
}

const toRow = (row: RawRow): DirectoryRow => ({
  id: Number(row.id),
  slug: row.slug,
  url: `/g/${row.slug}`,
  name: row.name,
  sortName: row.sort_name,
  summary: row.summary,
  visibility: row.visibility,
  isArchived: Boolean(row.is_archived),
  memberCount: Number(row.member_count),
  iconKey: row.icon_key,
  categoryId: row.category_id === null ? null : Number(row.category_id),
  role: row.role,
});

/**
 * A page of the directory in name order, by keyset on (sort_name, id), in one query with the viewer's
 * role. Secret groups are only listed for their members (and instance admins); guests only ever see
 * their own groups.
 */
export async function directoryPage(sequelize: Sequelize, user: User, query: DirectoryQuery): Promise<{ rows: DirectoryRow[]; next: DirectoryCursor | null }> {
  const replacements: Record<string, unknown> = { userId: user.id, isArchived: query.isArchived, limit: query.limit + 1 };
  const conditions = ["g.is_archived = :isArchived"];
  const onlyMine = query.scope === "mine" || user.role === "guest";
  if (!onlyMine && !user.isAdmin) conditions.push("(g.visibility <> 'secret' OR m.role IS NOT NULL)");
  if (query.categoryId) {
    conditions.push("g.category_id = :categoryId");
    replacements.categoryId = query.categoryId;
  }
  if (query.search) {
    conditions.push("(g.sort_name LIKE :like ESCAPE '\\' OR g.tags LIKE :like ESCAPE '\\')");
    replacements.like = likePattern(query.search);
  }
  if (query.after) {
    conditions.push("(g.sort_name > :afterName OR (g.sort_name = :afterName AND g.id > :afterId))");
    Object.assign(replacements, { afterName: query.after.sortName, afterId: query.after.id });
  }
  const rows = await sequelize.query<RawRow>(
    `SELECT g.id, g.slug, g.name, g.sort_name, g.summary, g.visibility, g.is_archived, g.member_count, g.icon_key, g.category_id, m.role
     FROM "groups" g ${onlyMine ? "JOIN" : "LEFT JOIN"} group_memberships m ON m.group_id = g.id AND m.user_id = :userId
     WHERE ${conditions.join(" AND ")} ORDER BY g.sort_name, g.id LIMIT :limit`,
    { replacements, type: QueryTypes.SELECT },
  );
  const page = rows.slice(0, query.limit).map(toRow);
  const last = page.at(-1);
  return { rows: page, next: rows.length > query.limit && last ? { sortName: last.sortName, id: last.id } : null };
}
