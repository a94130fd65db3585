import { Op, type Transaction } from "sequelize";
import { ContentFollow } from "./content-follow.ts";

/**
 * Starts following for people who take part (author, commenter, mentioned). An explicit unfollow
 * (a stored false) is kept: taking part again does not undo the choice.
 */
export async function followAutomatically(contentId: number, userIds: number[], transaction?: Transaction): Promise<void> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  await ContentFollow.bulkCreate(
    unique.map((userId) => ({ contentId, userId, isFollowing: true })),
    { ignoreDuplicates: true, transaction },
  );
}

/** The person's explicit choice on the item page: follow or unfollow. */
export async function setFollowing(contentId: number, userId: number, isFollowing: boolean): Promise<void> {
  await ContentFollow.upsert({ contentId, userId, isFollowing });
}

export async function followerIds(contentId: number, transaction?: Transaction): Promise<number[]> {
  const rows = await ContentFollow.findAll({ where: { contentId, isFollowing: true }, attributes: ["userId"], transaction });
  return rows.map((row) => row.userId);
}

/** Which of these contents the user follows (one query, for a page of entries). */
export async function followedAmong(userId: number, contentIds: number[]): Promise<Set<number>> {
  if (contentIds.length === 0) return new Set();
  const rows = await ContentFollow.findAll({ where: { userId, contentId: { [Op.in]: contentIds }, isFollowing: true }, attributes: ["contentId"] });
  return new Set(rows.map((row) => row.contentId));
}
