import { Reaction } from "../../models/reaction.ts";
import type { ContentPolicy } from "../../policies/content.ts";
import type { CommentView } from "../comments/entries.ts";
import type { EntryOptions, StreamEntry } from "../entries.ts";
import { summariesFor, type ReactionSummary } from "./summary.ts";

declare module "../entries.ts" {
  interface StreamEntryExtras {
    reactions?: ReactionSummary;
  }
}

/** Adds reaction counts to a page of entries and to the comments shown with them: two queries whatever the page size. */
export async function addReactions(entries: StreamEntry[], policy: ContentPolicy, _options: EntryOptions): Promise<void> {
  if (entries.length === 0) return;
  const sequelize = Reaction.sequelize!;
  const viewerId = policy.user?.id ?? null;
  const onContents = await summariesFor(sequelize, "content", entries.map((entry) => ({ id: entry.content.id, canReact: Boolean(policy.user) && entry.content.isLive })), viewerId);
  for (const entry of entries) entry.reactions = onContents.get(entry.content.id);

  const comments: CommentView[] = entries.flatMap((entry) => (entry.comments?.threads ?? []).flatMap((thread) => [thread, ...thread.replies])).filter((view) => !view.isDeleted);
  const onComments = await summariesFor(sequelize, "comment", comments.map((view) => ({ id: view.comment.id, canReact: view.can.react })), viewerId);
  for (const view of comments) view.reactions = onComments.get(view.comment.id);
}
