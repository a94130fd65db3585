import { Op } from "sequelize";
import { Comment } from "../../models/comment.ts";
import type { Content } from "../../models/content.ts";
import { shownUserAttributes, User } from "../../models/user.ts";
import type { ContentPolicy } from "../../policies/content.ts";
import type { EntryOptions, StreamEntry } from "../../modules/types.ts";
import type { ReactionSummary } from "../reactions/summary.ts";
import { canDeleteComment, canEditComment } from "./access.ts";
import { latestReplies, latestTopLevel } from "./queries.ts";
import type { AttachmentView } from "../attachments/file-types.ts";

/** In the stream: the latest two threads of each entry with their latest three replies; the permalink pages by 50 threads. */
export const streamThreads = 2;
export const streamReplies = 3;
export const permalinkThreads = 50;
/** A safety cap per thread on the permalink; past it the thread says how many replies are not shown. */
export const permalinkReplies = 200;

/** A comment ready to render. A deleted top-level comment that still has replies is a placeholder: no text, no author. */
export interface CommentView {
  comment: Comment;
  author: User | null;
  url: string;
  isDeleted: boolean;
  isHidden: boolean;
  replies: CommentView[];
  /** Replies of this thread not shown here. */
  moreReplies: number;
  can: { edit: boolean; delete: boolean; react: boolean };
  /** Added by the reactions feature (not on placeholders). */
  reactions?: ReactionSummary;
  /** Files attached to the comment. */
  attachments: AttachmentView[];
}

export interface EntryComments {
  threads: CommentView[];
  /** Live comments (replies included) of the content: contents.comment_count. */
  total: number;
  /** The stream shows only some: link to the permalink ("view all N comments"). */
  hasMore: boolean;
  /** Permalink: the page of older threads, and the way back to the newest. */
  olderUrl: string | null;
  newerUrl: string | null;
  full: boolean;
}

declare module "../../modules/types.ts" {
  interface StreamEntryExtras {
    comments?: EntryComments;
  }
  interface EntryOptions {
    /** Permalink paging: only threads older than this comment id (?comments_before=). */
    commentsBefore?: number | null;
  }
}

/** Where a comment is shown: its content's permalink, at the comment. */
export function commentUrl(comment: Pick<Comment, "id" | "contentId">) {
  return `/c/${comment.contentId}#comment-${comment.id}`;
}

/** The page of a content's comments older than a thread (the permalink shows the newest). */
/** The live (not deleted) comments and replies shown with a page of entries, for the features that decorate them. */
export function shownComments(entries: StreamEntry[]): CommentView[] {
  return entries.flatMap((entry) => (entry.comments?.threads ?? []).flatMap((thread) => [thread, ...thread.replies])).filter((view) => !view.isDeleted);
}

export function olderCommentsUrl(contentId: number, before: number) {
  return `/c/${contentId}/comments?comments_before=${before}#comments-${contentId}`;
}

/**
 * Adds the comments of a page of entries in five queries whatever its size: threads (one probe per entry
 * in one statement), replies, rows, authors; hidden comments only for those who moderate the entry.
 */
export async function addComments(entries: StreamEntry[], policy: ContentPolicy, options: EntryOptions): Promise<void> {
  if (entries.length === 0) return;
  const sequelize = Comment.sequelize!;
  const full = Boolean(options.full);
  const before = full ? (options.commentsBefore ?? null) : null;
  const probes = entries.map((entry) => ({ contentId: entry.content.id, isModerator: entry.can.moderate }));
  const tops = await latestTopLevel(sequelize, probes, full ? permalinkThreads + 1 : streamThreads, before);

  const threadIds = new Map<number, number[]>();
  for (const top of tops) threadIds.set(top.contentId, [...(threadIds.get(top.contentId) ?? []), top.id]);
  const hasOlder = new Set<number>();
  for (const [contentId, ids] of threadIds) {
    if (ids.length > permalinkThreads) {
      hasOlder.add(contentId);
      threadIds.set(contentId, ids.slice(0, permalinkThreads));
    }
  }
  const shownTopIds = [...threadIds.values()].flat();
  const moderated = entries.filter((entry) => entry.can.moderate).map((entry) => entry.content.id);
  const replies = await latestReplies(sequelize, shownTopIds, moderated, full ? permalinkReplies : streamReplies);

  const ids = [...shownTopIds, ...replies.map((reply) => reply.id)];
  const rows = ids.length ? await Comment.findAll({ where: { id: { [Op.in]: ids } } }) : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const authorIds = [...new Set(rows.map((row) => row.authorId))];
  const authors = new Map((authorIds.length ? await User.findAll({ where: { id: { [Op.in]: authorIds } }, attributes: shownUserAttributes }) : []).map((user) => [user.id, user]));

  const repliesOf = new Map<number, { ids: number[]; total: number }>();
  for (const reply of replies) {
    const thread = repliesOf.get(reply.parentId) ?? { ids: [], total: reply.total };
    thread.ids.push(reply.id);
    repliesOf.set(reply.parentId, thread);
  }

  for (const entry of entries) {
    const view = async (comment: Comment): Promise<CommentView> => ({
      comment,
      author: comment.deletedAt ? null : (authors.get(comment.authorId) ?? null),
      url: commentUrl(comment),
      isDeleted: Boolean(comment.deletedAt),
      isHidden: Boolean(comment.hiddenAt),
      replies: [],
      moreReplies: 0,
      // Filled in by addAttachments, with the page's other files.
      attachments: [],
      can: {
        edit: canEditComment(policy, entry.content, comment),
        delete: await canDeleteComment(policy, entry.content, comment),
        react: Boolean(policy.user) && comment.isLive && entry.content.isLive,
      },
    });
    const threads: CommentView[] = [];
    // Oldest first, like a conversation; the probe returned the newest first.
    for (const id of [...(threadIds.get(entry.content.id) ?? [])].reverse()) {
      const top = byId.get(id);
      if (!top) continue;
      const thread = await view(top);
      const shown = repliesOf.get(id);
      for (const replyId of [...(shown?.ids ?? [])].sort((a, b) => a - b)) {
        const reply = byId.get(replyId);
        if (reply) thread.replies.push(await view(reply));
      }
      thread.moreReplies = Math.max(0, (shown?.total ?? 0) - thread.replies.length);
      threads.push(thread);
    }
    entry.comments = summarise(entry.content, threads, full, before, hasOlder.has(entry.content.id));
  }
}

function summarise(content: Content, threads: CommentView[], full: boolean, before: number | null, hasOlder: boolean): EntryComments {
  const liveShown = threads.reduce((sum, thread) => sum + (thread.comment.isLive ? 1 : 0) + thread.replies.filter((reply) => reply.comment.isLive).length, 0);
  const oldest = threads[0]?.comment.id;
  return {
    threads,
    total: content.commentCount,
    hasMore: !full && content.commentCount > liveShown,
    olderUrl: full && hasOlder && oldest ? olderCommentsUrl(content.id, oldest) : null,
    newerUrl: full && before ? `/c/${content.id}#comments-${content.id}` : null,
    full,
  };
}
