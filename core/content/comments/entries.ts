import type { ContentPolicy } from "../../policies/content.ts";
import type { EntryOptions, StreamEntry } from "../entries.ts";

/** Adds the comments of a page of entries (to be built: see the stream issue). */
export async function addComments(_entries: StreamEntry[], _policy: ContentPolicy, _options: EntryOptions): Promise<void> {}
