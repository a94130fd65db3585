import { Op, type Sequelize } from "sequelize";
import type { Comment } from "../../models/comment.ts";
import type { Content } from "../../models/content.ts";
import type { ModuleRegistry } from "../../modules/registry.ts";
import type { ContentPolicy } from "../../policies/content.ts";
import { shownUserAttributes, User } from "../../models/user.ts";
import { commentUrl } from "../comments/entries.ts";
import { loadEntries, type StreamEntry } from "../entries.ts";
import type { StreamCursor } from "../stream.ts";
import { hiddenPage } from "./hidden.ts";
import { queuePage, summarize, summaryOf, type ReportSummary } from "./queue.ts";

/** One row of the moderation pages, ready to render. */
export interface ModerationItem {
  kind: "content" | "comment";
  contentId: number;
  commentId: number | null;
  /** The content as the stream shows it (null for a comment, or when its type was switched off). */
  entry: StreamEntry | null;
  /** A reported comment, its author, and the content it is under. */
  comment: { comment: Comment; author: User | null; contentUrl: string } | null;
  summary: ReportSummary | null;
  isHidden: boolean;
  isDeleted: boolean;
  url: string;
  /** Where its hide and show-again forms post ("/c/5", "/comments/7"), and its dismiss and delete forms. */
  actionPath: string;
  queuePath: string;
}

interface ItemServices {
  sequelize: Sequelize;
  registry: ModuleRegistry;
}

/** Entries of a page of contents, by content id: the stream's batch loading, a bounded number of queries. */
async function entriesById(services: ItemServices, policy: ContentPolicy, contents: Content[]) {
  const unique = [...new Map(contents.map((content) => [content.id, content])).values()];
  return new Map((await loadEntries(services.registry, policy, unique)).map((entry) => [entry.content.id, entry]));
}

/** The open-reports view: one item per reported target, newest report first. */
export async function queueItems(services: ItemServices, policy: ContentPolicy, options: { before: number | null; streamKey: string | null }) {
  const { heads, next } = await queuePage(services.sequelize, policy, options);
  const entries = await entriesById(services, policy, heads.flatMap((head) => (head.comment ? [] : [head.content])));
  const authorIds = [...new Set(heads.flatMap((head) => (head.comment ? [head.comment.authorId] : [])))];
  const authors = new Map((authorIds.length ? await User.findAll({ where: { id: { [Op.in]: authorIds } }, attributes: shownUserAttributes }) : []).map((user) => [user.id, user]));
  const summaries = await summarize(services.sequelize, heads);
  const items: ModerationItem[] = heads.map((head) => {
    const target = head.comment ?? head.content;
    return {
      kind: head.comment ? "comment" : "content",
      contentId: head.contentId,
      commentId: head.commentId,
      entry: head.comment ? null : (entries.get(head.contentId) ?? null),
      comment: head.comment ? { comment: head.comment, author: authors.get(head.comment.authorId) ?? null, contentUrl: `/c/${head.contentId}` } : null,
      summary: summaryOf(summaries, head),
      isHidden: Boolean(target.hiddenAt),
      isDeleted: Boolean(target.deletedAt),
      url: head.comment ? commentUrl(head.comment) : `/c/${head.contentId}`,
      actionPath: head.comment ? `/comments/${head.comment.id}` : `/c/${head.contentId}`,
      queuePath: head.comment ? `/moderation/comments/${head.comment.id}` : `/moderation/content/${head.contentId}`,
    };
  });
  return { items, next };
}

/** The hidden view: contents a moderator hid, to review and restore. */
export async function hiddenItems(services: ItemServices, policy: ContentPolicy, options: { before: StreamCursor | null; streamKey: string | null }) {
  const { contents, next } = await hiddenPage(policy, options);
  const entries = await entriesById(services, policy, contents);
  const items: ModerationItem[] = contents.map((content) => ({
    kind: "content",
    contentId: content.id,
    commentId: null,
    entry: entries.get(content.id) ?? null,
    comment: null,
    summary: null,
    isHidden: true,
    isDeleted: Boolean(content.deletedAt),
    url: `/c/${content.id}`,
    actionPath: `/c/${content.id}`,
    queuePath: `/moderation/content/${content.id}`,
  }));
  return { items, next };
}
