import { QueryTypes, type Sequelize } from "sequelize";
import { streamKeyOf } from "../models/content.ts";
import type { User } from "../models/user.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { Candidate, StreamCursor } from "./stream.ts";

/** Stream keys of every container on the user's dashboard: company stream, own and followed profiles, memberships. */
export async function dashboardKeys(registry: ModuleRegistry, user: User): Promise<string[]> {
  const keys: string[] = [];
  for (const type of registry.containerTypes.keys()) {
    const definition = registry.containerType(type);
    if (!definition) continue;
    for (const id of await definition.dashboardIds(user)) keys.push(streamKeyOf(type, id));
  }
  return keys;
}

const live = "c.deleted_at IS NULL AND c.hidden_at IS NULL";

function keyset(before: StreamCursor | null, sortColumn: string, idColumn: string) {
  return before ? `AND (${sortColumn} < :sortAt OR (${sortColumn} = :sortAt AND ${idColumn} < :id))` : "";
}

async function candidates(sequelize: Sequelize, sql: string, replacements: Record<string, unknown>, before: StreamCursor | null): Promise<Candidate[]> {
  const rows = await sequelize.query<{ id: number; sort_at: string | Date }>(sql, {
    replacements: { ...replacements, ...(before ? { sortAt: before.sortAt, id: before.id } : {}) },
    type: QueryTypes.SELECT,
  });
  return rows.map((row) => ({ id: Number(row.id), key: { sortAt: new Date(row.sort_at), id: Number(row.id) } }));
}

/** The user's own contents, newest activity first, on the (author_id, sort_at, id) index. */
export function authoredBy(sequelize: Sequelize, authorId: number) {
  return (before: StreamCursor | null, limit: number) =>
    candidates(
      sequelize,
      `SELECT c.id, c.sort_at FROM contents c WHERE c.author_id = :authorId AND ${live} ${keyset(before, "c.sort_at", "c.id")}
       ORDER BY c.sort_at DESC, c.id DESC LIMIT :limit`,
      { authorId, limit },
      before,
    );
}

/** Contents that mention the user (in the text or a comment), newest activity first. */
export function mentioning(sequelize: Sequelize, userId: number) {
  return (before: StreamCursor | null, limit: number) =>
    candidates(
      sequelize,
      `SELECT c.id, c.sort_at FROM contents c WHERE c.id IN (SELECT m.content_id FROM mentions m WHERE m.user_id = :userId)
       AND ${live} ${keyset(before, "c.sort_at", "c.id")} ORDER BY c.sort_at DESC, c.id DESC LIMIT :limit`,
      { userId, limit },
      before,
    );
}

/** Contents tagged with a topic, newest first, on the (topic_id, sort_at, content_id) index. */
export function taggedWith(sequelize: Sequelize, topicId: number) {
  return (before: StreamCursor | null, limit: number) =>
    candidates(
      sequelize,
      `SELECT ct.content_id AS id, ct.sort_at FROM content_topics ct JOIN contents c ON c.id = ct.content_id
       WHERE ct.topic_id = :topicId AND ${live} ${keyset(before, "ct.sort_at", "ct.content_id")}
       ORDER BY ct.sort_at DESC, ct.content_id DESC LIMIT :limit`,
      { topicId, limit },
      before,
    );
}
