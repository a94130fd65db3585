import { Op } from "sequelize";
import { Content } from "../../models/content.ts";
import type { ContentPolicy } from "../../policies/content.ts";

/** A container page shows this many pinned contents at most. */
export const maxPinnedShown = 5;

/**
 * The pinned contents of a container (stream key "type:id") the viewer may read, newest pin first, for
 * the top of its page. One indexed query on contents_pinned, then the policy's readable check.
 */
export async function pinnedIn(streamKey: string, policy: ContentPolicy): Promise<Content[]> {
  const pinned = await Content.findAll({
    where: { streamKey, pinnedAt: { [Op.ne]: null }, deletedAt: null, hiddenAt: null },
    order: [["pinnedAt", "DESC"], ["id", "DESC"]],
    // A few spare rows in case a content type was switched off since it was pinned.
    limit: maxPinnedShown * 2,
  });
  return (await policy.filterReadable(pinned)).slice(0, maxPinnedShown);
}
