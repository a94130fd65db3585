import type { Comment } from "../../models/comment.ts";
import type { Content } from "../../models/content.ts";
import type { ContentPolicy } from "../../policies/content.ts";

/*
 * Comment permissions, asked after the content itself was found readable (policy.canRead): a comment
 * never lets anyone see more than its content.
 */

/** Reachable by its own id (edit, react, who reacted): deleted ones never, hidden ones only by moderators. */
export async function canSeeComment(policy: ContentPolicy, content: Content, comment: Comment) {
  if (comment.contentId !== content.id || comment.deletedAt) return false;
  return !comment.hiddenAt || (await policy.canModerate(content));
}

/** Writing under a content: anyone who reads it, while it is live. */
export function canComment(policy: ContentPolicy, content: Content) {
  return Boolean(policy.user?.isActive && content.isLive);
}

export function canEditComment(policy: ContentPolicy, content: Content, comment: Comment) {
  return Boolean(policy.user?.isActive && comment.authorId === policy.user.id && comment.isLive && content.isLive && comment.contentId === content.id);
}

/** Authors delete their own (while they can see it); moderators of the content's container delete any. */
export async function canDeleteComment(policy: ContentPolicy, content: Content, comment: Comment) {
  if (!policy.user?.isActive || comment.deletedAt || comment.contentId !== content.id) return false;
  if (comment.authorId === policy.user.id && !comment.hiddenAt) return true;
  return policy.canModerate(content);
}
