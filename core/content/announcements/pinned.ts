import { modelRows } from "../../db/model-rows.ts";
import { Content } from "../../models/content.ts";
import type { ContentPolicy } from "../../policies/content.ts";
import { moduleGateSql } from "../stream.ts";

/** A container page shows this many pinned contents at most. */
export const maxPinnedShown = 5;

/**
 * The pinned contents of a container (stream key "type:id") the viewer may read, newest pin first, for
 * the top of its page: content of a module switched off in the container stays out, as in its stream.
 * One indexed query on contents_pinned, then the policy's readable check.
 */
export async function pinnedIn(streamKey: string, policy: ContentPolicy): Promise<Content[]> {
  const pinned = await modelRows(
    Content,
    `SELECT * FROM contents WHERE stream_key = :streamKey AND pinned_at IS NOT NULL AND deleted_at IS NULL AND hidden_at IS NULL
       AND ${moduleGateSql(Content.sequelize!, "contents")}
     ORDER BY pinned_at DESC, id DESC LIMIT :limit`,
    // A few spare rows in case a content type was switched off since it was pinned.
    { streamKey, limit: maxPinnedShown * 2 },
  );
  return (await policy.filterReadable(pinned)).slice(0, maxPinnedShown);
}
