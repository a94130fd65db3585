import { Op, QueryTypes, type Sequelize } from "sequelize";
import { Comment } from "../../models/comment.ts";
import type { ReportReason } from "../../models/content-report.ts";
import type { ContentPolicy } from "../../policies/content.ts";
import { filterHandled, type ModerationRow } from "./access.ts";
import { byIdsInOrder } from "../stream.ts";
import { filteredPage } from "./paging.ts";

export const queuePageSize = 20;
export const notesPerItem = 5;

export interface ReportSummary {
  count: number;
  reasons: { reason: ReportReason; count: number }[];
  /** The latest notes, as typed (the template escapes them); reporters are never named. */
  notes: { note: string; createdAt: Date }[];
  firstAt: Date;
  lastAt: Date;
}

const targetKey = (contentId: number, commentId: number | null) => `${contentId}:${commentId ?? 0}`;

/** The newest open report of one target (a content, or one of its comments): one queue item. */
export interface QueueHead extends ModerationRow {
  reportId: number;
  contentId: number;
  commentId: number | null;
  comment: Comment | null;
}

/**
 * Open reports newest first, one row per target: a report is listed only if no newer open report of the
 * same target exists (an index probe each), so the walk stays a keyset scan on the open-reports index.
 */
function fetchHeads(sequelize: Sequelize, streamKey: string | null) {
  return async (before: number | null, limit: number) => {
    const rows = await sequelize.query<{ id: number; content_id: number; comment_id: number | null }>(
      `SELECT r.id, r.content_id, r.comment_id FROM content_reports r ${streamKey ? "JOIN contents c ON c.id = r.content_id AND c.stream_key = :streamKey" : ""}
       WHERE r.status = 'open' ${before ? "AND r.id < :before" : ""}
         AND NOT EXISTS (SELECT 1 FROM content_reports n WHERE n.content_id = r.content_id
           AND COALESCE(n.comment_id, 0) = COALESCE(r.comment_id, 0) AND n.status = 'open' AND n.id > r.id)
       ORDER BY r.id DESC LIMIT :limit`,
      { replacements: { before, streamKey, limit }, type: QueryTypes.SELECT },
    );
    return rows.map((row) => ({ reportId: Number(row.id), contentId: Number(row.content_id), commentId: row.comment_id === null ? null : Number(row.comment_id) }));
  };
}

interface ReportRow {
  reportId: number;
  contentId: number;
  commentId: number | null;
}

/** Turns report rows into heads: their contents and comments in one query each; a comment is judged on its own author. */
async function resolveHeads(rows: ReportRow[]): Promise<QueueHead[]> {
  const contents = new Map((await byIdsInOrder([...new Set(rows.map((row) => row.contentId))])).map((content) => [content.id, content]));
  const commentIds = [...new Set(rows.flatMap((row) => (row.commentId === null ? [] : [row.commentId])))];
  const comments = new Map((commentIds.length ? await Comment.findAll({ where: { id: { [Op.in]: commentIds } } }) : []).map((comment) => [comment.id, comment]));
  return rows.flatMap((row) => {
    const content = contents.get(row.contentId);
    const comment = row.commentId === null ? null : comments.get(row.commentId);
    if (!content || comment === undefined || (comment && comment.contentId !== content.id)) return [];
    const subject = { containerType: content.containerType, containerId: content.containerId, authorId: comment ? comment.authorId : content.authorId };
    return [{ ...row, content, comment, subject }];
  });
}

/** A page of the queue: targets the viewer may handle, optionally in one container (its stream key). */
export async function queuePage(sequelize: Sequelize, policy: ContentPolicy, options: { before: number | null; streamKey: string | null }) {
  const fetch = fetchHeads(sequelize, options.streamKey);
  const heads = new Map<number, QueueHead>();
  const page = await filteredPage(
    async (before, limit) => {
      const rows = await fetch(before, limit);
      for (const head of await resolveHeads(rows)) heads.set(head.reportId, head);
      // Rows that no longer resolve (a comment gone) still move the cursor on.
      return rows.map((row) => row.reportId);
    },
    async (ids) => (await filterHandled(policy, ids.flatMap((id) => heads.get(id) ?? []))).map((head) => head.reportId),
    (id) => id,
    options.before,
    queuePageSize,
  );
  return { heads: page.rows.map((id) => heads.get(id)!), next: page.next };
}

/** Counts by reason and the latest notes of the open reports of a page's targets: two queries whatever the page size. */
export async function summarize(sequelize: Sequelize, heads: QueueHead[]): Promise<Map<string, ReportSummary>> {
  const summaries = new Map<string, ReportSummary>();
  const contentIds = [...new Set(heads.map((head) => head.contentId))];
  if (contentIds.length === 0) return summaries;
  const wanted = new Set(heads.map((head) => targetKey(head.contentId, head.commentId)));
  const counts = await sequelize.query<{ content_id: number; comment_id: number | null; reason: ReportReason; count: number | string; first_at: string | Date; last_at: string | Date }>(
    `SELECT content_id, comment_id, reason, COUNT(*) AS count, MIN(created_at) AS first_at, MAX(created_at) AS last_at
     FROM content_reports WHERE status = 'open' AND content_id IN (:contentIds) GROUP BY content_id, comment_id, reason`,
    { replacements: { contentIds }, type: QueryTypes.SELECT },
  );
  for (const row of counts) {
    const key = targetKey(Number(row.content_id), row.comment_id === null ? null : Number(row.comment_id));
    if (!wanted.has(key)) continue;
    const [firstAt, lastAt] = [new Date(row.first_at), new Date(row.last_at)];
    const summary = summaries.get(key) ?? { count: 0, reasons: [], notes: [], firstAt, lastAt };
    summary.count += Number(row.count);
    summary.reasons.push({ reason: row.reason, count: Number(row.count) });
    if (firstAt < summary.firstAt) summary.firstAt = firstAt;
    if (lastAt > summary.lastAt) summary.lastAt = lastAt;
    summaries.set(key, summary);
  }
  for (const summary of summaries.values()) summary.reasons.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  // The latest few notes per target: a wave of reports on one content must not load thousands of rows.
  const notes = await sequelize.query<{ content_id: number; comment_id: number | null; note: string; created_at: string | Date }>(
    `SELECT content_id, comment_id, note, created_at FROM (
       SELECT content_id, comment_id, note, created_at, ROW_NUMBER() OVER (PARTITION BY content_id, comment_id ORDER BY id DESC) AS position
       FROM content_reports WHERE status = 'open' AND content_id IN (:contentIds) AND note IS NOT NULL) ranked
     WHERE position <= :perItem ORDER BY created_at DESC`,
    { replacements: { contentIds, perItem: notesPerItem }, type: QueryTypes.SELECT },
  );
  for (const row of notes) {
    const summary = summaries.get(targetKey(Number(row.content_id), row.comment_id === null ? null : Number(row.comment_id)));
    summary?.notes.push({ note: row.note, createdAt: new Date(row.created_at) });
  }
  return summaries;
}

export function summaryOf(summaries: Map<string, ReportSummary>, head: Pick<QueueHead, "contentId" | "commentId">) {
  return summaries.get(targetKey(head.contentId, head.commentId)) ?? null;
}
