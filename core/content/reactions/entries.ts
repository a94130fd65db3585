import { Reaction } from "../../models/reaction.ts";
import type { ContentPolicy } from "../../policies/content.ts";
import { shownComments } from "../comments/entries.ts";
import type { EntryOptions, StreamEntry } from "../../modules/types.ts";
import { summariesFor, type ReactionSummary } from "./summary.ts";

declare module "../../modules/types.ts" {
  interface StreamEntryExtras {
    reactions?: ReactionSummary;
  }
}

/** Adds reaction counts to a page of entries and to the comments shown with them: one query whatever the page size. */
export async function addReactions(entries: StreamEntry[], policy: ContentPolicy, _options: EntryOptions): Promise<void> {
  if (entries.length === 0) return;
  const comments = shownComments(entries);
  const summaries = await summariesFor(
    Reaction.sequelize!,
    {
      content: entries.map((entry) => ({ id: entry.content.id, canReact: Boolean(policy.user) && entry.content.isLive })),
      comment: comments.map((view) => ({ id: view.comment.id, canReact: view.can.react })),
    },
    policy.user?.id ?? null,
  );
  for (const entry of entries) entry.reactions = summaries.content.get(entry.content.id);
  for (const view of comments) view.reactions = summaries.comment.get(view.comment.id);
}
