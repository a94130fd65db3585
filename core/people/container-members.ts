import { QueryTypes, type Sequelize } from "sequelize";
import { dialectOf } from "../db/sequelize.ts";
import type { User } from "../models/user.ts";
import type { Container, ContainerTypeDefinition } from "../modules/container-types.ts";
import { decodeDirectoryCursor, encodeDirectoryCursor } from "./directory.ts";
import { containsPattern } from "./name-search.ts";

/** What host.members asks: who is looking (their right to read the container is checked), a name filter, a page. */
export interface MembersQuery {
  /** The person asking (the request's user): nobody is listed to someone who may not read the container. */
  viewer: User | null;
  /** Part of a display name or user name, any case and accents; at most 100 characters. */
  query?: string;
  /** 1 to 100 (20 by default). */
  limit?: number;
  /** The `next` of the previous page; a malformed one is a 400 (people:errors.cursor). */
  after?: string | null;
}

export interface ContainerMember {
  id: number;
  /** The display name. */
  name: string;
  /** The user name (as in @mentions and /u/<handle>). */
  handle: string;
}

export interface MembersPage {
  members: ContainerMember[];
  /** Pass as `after` for the next page; null on the last one. */
  next: string | null;
}

const emptyPage: MembersPage = { members: [], next: null };

/**
 * The active members of a container in name order, keyset-paged: for a group its members (those holding a role,
 * the container type's memberIds), for the company stream every active person but guests (who may read it).
 * A container type without memberIds lists nobody. One query for the page (plus the container type's for the ids).
 */
export async function containerMembers(sequelize: Sequelize, definition: ContainerTypeDefinition | null | undefined, container: Container, options: MembersQuery): Promise<MembersPage> {
  if (!definition || !(await definition.canRead(options.viewer, container))) return emptyPage;
  const after = decodeDirectoryCursor(options.after ?? undefined);
  const limit = Math.min(100, Math.max(1, Math.trunc(options.limit ?? 20)));
  const where = ["u.status = 'active'"];
  const replacements: Record<string, unknown> = { limit: limit + 1 };
  if (container.type === "company") where.push("u.role <> 'guest'");
  else {
    const ids = (await definition.memberIds?.(container)) ?? [];
    if (ids.length === 0) return emptyPage;
    where.push("u.id IN (:ids)");
    replacements.ids = ids;
  }
  const query = (options.query ?? "").trim().slice(0, 100);
  if (query !== "") {
    const { operator, pattern } = containsPattern(dialectOf(sequelize), query);
    where.push(`(u.display_name ${operator} :pattern OR u.username ${operator} :pattern)`);
    replacements.pattern = pattern;
  }
  if (after) {
    where.push("(u.display_name, u.id) > (:afterName, :afterId)");
    Object.assign(replacements, { afterName: after.name, afterId: after.id });
  }
  const rows = await sequelize.query<{ id: number; display_name: string; username: string }>(
    `SELECT u.id, u.display_name, u.username FROM users u WHERE ${where.join(" AND ")} ORDER BY u.display_name, u.id LIMIT :limit`,
    { replacements, type: QueryTypes.SELECT },
  );
  const members = rows.slice(0, limit).map((row) => ({ id: Number(row.id), name: row.display_name, handle: row.username }));
  const last = members.at(-1);
  return { members, next: rows.length > limit && last ? encodeDirectoryCursor({ name: last.name, id: last.id }) : null };
}
