import { QueryTypes, type Sequelize } from "sequelize";

/** A content whose comments are wanted, and whether the viewer moderates it (then hidden comments are shown). */
export interface CommentProbe {
  contentId: number;
  isModerator: boolean;
}

/** A reply can be shown: not deleted, and hidden only to moderators. */
function visibleReply(alias: string, isModerator: boolean) {
  return `${alias}.deleted_at IS NULL${isModerator ? "" : ` AND ${alias}.hidden_at IS NULL`}`;
}

/** A top-level comment is shown when visible, or as a "deleted" placeholder while it has visible replies. */
function shownTopLevel(isModerator: boolean) {
  return `${isModerator ? "" : "c.hidden_at IS NULL AND "}(c.deleted_at IS NULL OR EXISTS (SELECT 1 FROM comments r WHERE r.parent_id = c.id AND ${visibleReply("r", isModerator)}))`;
}

/**
 * The newest shown top-level comments of each content, at most `limit` each, older than `before` if given:
 * one statement whatever the number of contents, each branch an index probe that stops after `limit` rows
 * (a window function would read every comment of a busy content).
 */
export async function latestTopLevel(sequelize: Sequelize, probes: CommentProbe[], limit: number, before: number | null = null): Promise<{ id: number; contentId: number }[]> {
  if (probes.length === 0) return [];
  const replacements: Record<string, unknown> = { limit, before };
  const branches = probes.map((probe, index) => {
    replacements[`content${index}`] = probe.contentId;
    return `SELECT * FROM (SELECT c.id, c.content_id FROM comments c
      WHERE c.content_id = :content${index} AND c.parent_id IS NULL AND ${shownTopLevel(probe.isModerator)}${before ? " AND c.id < :before" : ""}
      ORDER BY c.id DESC LIMIT :limit) AS top${index}`;
  });
  const rows = await sequelize.query<{ id: number; content_id: number }>(branches.join("\nUNION ALL\n"), { replacements, type: QueryTypes.SELECT });
  return rows.map((row) => ({ id: Number(row.id), contentId: Number(row.content_id) }));
}

/**
 * The newest visible replies of these top-level comments, at most `limit` per thread, with how many
 * each thread has in all: one query for the page.
 */
export async function latestReplies(sequelize: Sequelize, parentIds: number[], moderatedContentIds: number[], limit: number): Promise<{ id: number; parentId: number; total: number }[]> {
  if (parentIds.length === 0) return [];
  const rows = await sequelize.query<{ id: number; parent_id: number; total: number | string }>(
    `SELECT id, parent_id, total FROM (
       SELECT r.id, r.parent_id, ROW_NUMBER() OVER (PARTITION BY r.parent_id ORDER BY r.id DESC) AS position,
              COUNT(*) OVER (PARTITION BY r.parent_id) AS total
       FROM comments r
       WHERE r.parent_id IN (:parentIds) AND r.deleted_at IS NULL AND (r.hidden_at IS NULL OR r.content_id IN (:moderated))
     ) replies WHERE position <= :limit`,
    // Content ids start at 1: 0 stands for "moderates none" (an empty IN list is not valid SQL).
    { replacements: { parentIds, moderated: moderatedContentIds.length ? moderatedContentIds : [0], limit }, type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({ id: Number(row.id), parentId: Number(row.parent_id), total: Number(row.total) }));
}
