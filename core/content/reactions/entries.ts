import type { ContentPolicy } from "../../policies/content.ts";
import type { EntryOptions, StreamEntry } from "../entries.ts";

/** Adds the reactions of a page of entries (to be built: see the stream issue). */
export async function addReactions(_entries: StreamEntry[], _policy: ContentPolicy, _options: EntryOptions): Promise<void> {}
