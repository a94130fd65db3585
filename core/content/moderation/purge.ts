import { Op, type Sequelize } from "sequelize";
import { Content } from "../../models/content.ts";
import { Post } from "../../models/post.ts";
import { restoreWindowMs } from "../../policies/content.ts";

/**
 * Deletes for good what was soft-deleted longer ago than the restore window, a batch at a time:
 * content rows (comments, reactions, mentions, topics, revisions and attachment rows cascade) and the
 * post rows behind them. Attachment files leave the disk after the commit (attachments/removal.ts).
 * Returns how many contents went.
 */
export async function purgeDeletedContents(sequelize: Sequelize, now = new Date(), batchSize = 500): Promise<number> {
  const expired = await Content.findAll({ where: { deletedAt: { [Op.lt]: new Date(now.getTime() - restoreWindowMs) } }, attributes: ["id", "type", "refId"], order: [["id", "ASC"]], limit: batchSize });
  if (expired.length === 0) return 0;
  const postIds = expired.filter((content) => content.type === "post" && content.refId !== null).map((content) => content.refId!);
  await sequelize.transaction(async (transaction) => {
    await Content.destroy({ where: { id: { [Op.in]: expired.map((content) => content.id) } }, transaction });
    if (postIds.length > 0) await Post.destroy({ where: { id: { [Op.in]: postIds } }, transaction });
  });
  return expired.length;
}
