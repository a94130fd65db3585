import type { EntryOptions, StreamEntry } from "../modules/types.ts";
import type { ContentPolicy } from "../policies/content.ts";
import { followedAmong } from "./followers.ts";

declare module "../modules/types.ts" {
  interface StreamEntryExtras {
    /** On the permalink page: whether the viewer gets notifications about this item (follow / unfollow). */
    isFollowing?: boolean;
  }
}

/** Follow state for the item page only, in one query; stream pages do not show it. */
export async function addFollowing(entries: StreamEntry[], policy: ContentPolicy, options: EntryOptions): Promise<void> {
  const viewer = policy.user;
  if (!options.full || !viewer || entries.length === 0) return;
  const followed = await followedAmong(viewer.id, entries.map((entry) => entry.content.id));
  for (const entry of entries) entry.isFollowing = followed.has(entry.content.id);
}
