import { Op, literal, type Transaction } from "sequelize";
import { Comment } from "../../models/comment.ts";
import { Content } from "../../models/content.ts";
import type { User } from "../../models/user.ts";

/*
 * contents.comment_count counts live comments (not deleted, not hidden), replies included. Every change of a
 * comment's liveness goes through here, in the transaction of the change, so the count never drifts.
 */

/** Adds (or with a negative delta, removes) live comments to a content's count; a new comment also makes it "newest activity". */
export async function adjustCommentCount(transaction: Transaction, contentId: number, delta: number, bumpSortAt?: Date) {
  await Content.update(
    { commentCount: literal(`comment_count + ${Math.trunc(delta)}`), ...(bumpSortAt ? { sortAt: bumpSortAt } : {}) },
    { where: { id: contentId }, transaction, silent: true },
  );
}

/**
 * Hides a comment (by = the moderator) or shows it again (by = null) and keeps the count right; for the
 * moderation feature. The conditional update makes two moderators acting at once count once; false when
 * another request changed it first.
 */
export async function setCommentHidden(transaction: Transaction, comment: Comment, by: User | null): Promise<boolean> {
  const values = by ? { hiddenAt: new Date(), hiddenBy: by.id } : { hiddenAt: null, hiddenBy: null };
  const [changed] = await Comment.update(values, { where: { id: comment.id, hiddenAt: by ? null : { [Op.ne]: null } }, transaction });
  if (!changed) return false;
  comment.set(values);
  if (!comment.deletedAt) await adjustCommentCount(transaction, comment.contentId, by ? -1 : 1);
  return true;
}
