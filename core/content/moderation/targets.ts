import { Op, type Transaction } from "sequelize";
import type { Comment } from "../../models/comment.ts";
import { Content } from "../../models/content.ts";
import type { User } from "../../models/user.ts";
import { setCommentHidden } from "../comments/counts.ts";
import { commentUrl } from "../comments/entries.ts";
import type { ModerationSubject } from "./access.ts";

/** Something that can be reported and hidden: a content, or one comment of it. */
export interface ModerationTarget {
  kind: "content" | "comment";
  /** The content itself, or the content the comment belongs to (whose container decides who moderates). */
  content: Content;
  comment: Comment | null;
  commentId: number | null;
  /** Where it lives and who wrote it (the comment's author for a comment). */
  subject: ModerationSubject;
  /** Neither it nor its content is deleted or hidden: only then can it be reported. */
  isLive: boolean;
  isHidden: boolean;
  isDeleted: boolean;
  /** Where it is looked at. */
  url: string;
  /** Where its actions live: "<path>/report", "<path>/hide"... */
  path: string;
  /** Sets (by = the moderator) or clears (by = null) hidden_at/hidden_by; false when another request changed it first. */
  setHidden(transaction: Transaction, by: User | null): Promise<boolean>;
}

const subjectOf = (content: Content, authorId: number): ModerationSubject => ({ containerType: content.containerType, containerId: content.containerId, authorId });

/** A content as a moderation target; the conditional update keeps two moderators from both hiding it. */
export function contentTarget(content: Content): ModerationTarget {
  return {
    kind: "content",
    content,
    comment: null,
    commentId: null,
    subject: subjectOf(content, content.authorId),
    isLive: content.isLive,
    isHidden: Boolean(content.hiddenAt),
    isDeleted: Boolean(content.deletedAt),
    url: `/c/${content.id}`,
    path: `/c/${content.id}`,
    async setHidden(transaction, by) {
      const values = by ? { hiddenAt: new Date(), hiddenBy: by.id } : { hiddenAt: null, hiddenBy: null };
      const [count] = await Content.update(values, { where: { id: content.id, hiddenAt: by ? null : { [Op.ne]: null } }, transaction });
      if (count) content.set(values);
      return count > 0;
    },
  };
}

/** A comment as a moderation target: moderated by its content's container, judged on its own author. */
export function commentTarget(content: Content, comment: Comment): ModerationTarget {
  return {
    kind: "comment",
    content,
    comment,
    commentId: comment.id,
    subject: subjectOf(content, comment.authorId),
    isLive: comment.isLive && content.isLive,
    isHidden: Boolean(comment.hiddenAt),
    isDeleted: Boolean(comment.deletedAt),
    url: commentUrl(comment),
    path: `/comments/${comment.id}`,
    // The comments feature keeps contents.comment_count right when a comment's visibility changes.
    setHidden: (transaction, by) => setCommentHidden(transaction, comment, by),
  };
}
