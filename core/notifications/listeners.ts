import { Comment } from "../models/comment.ts";
import type { Content } from "../models/content.ts";
import type { User } from "../models/user.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { ActionHandler, ActionHooks } from "../modules/types.ts";
import type { LiveHub } from "../live/hub.ts";
import { followAutomatically, followerIds } from "./followers.ts";
import { requestNotifications, type FanoutPayload } from "./requests.ts";
import type { NotifyRequest } from "./types.ts";

type CoreRequest = NotifyRequest & { audience?: FanoutPayload["audience"] };

const containerOf = (content: Content) => ({ type: content.containerType, id: content.containerId });

/** Mentions of people, and of the whole container (@everyone, @group) for everyone who reads it. */
function mentionRequests(content: Content, actor: User, mentionedUserIds: number[], mentionsContainer: boolean, url: string): CoreRequest[] {
  const subject = { content, url };
  const requests: CoreRequest[] = [{ type: "mention", recipients: mentionedUserIds, actor, subject }];
  if (mentionsContainer) requests.push({ type: "mention", recipients: [], audience: containerOf(content), actor, subject });
  return requests;
}

/**
 * Who hears about a comment, each person once, the most direct reason first: mentioned people; the
 * content's author ("commented on your post") and the author of the comment replied to; then the other
 * followers. Everything but a mention goes to followers only, so unfollowing an item silences it.
 */
async function commentRequests(comment: Comment, content: Content, author: User, mentionedUserIds: number[], mentionsContainer: boolean): Promise<CoreRequest[]> {
  const url = `/c/${content.id}#comment-${comment.id}`;
  const followers = new Set(await followerIds(content.id));
  const told = new Set([author.id, ...mentionedUserIds]);
  const requests = mentionRequests(content, author, mentionedUserIds, mentionsContainer, url);
  const parent = comment.parentId ? await Comment.findByPk(comment.parentId, { attributes: ["id", "authorId"] }) : null;
  if (parent && followers.has(parent.authorId) && !told.has(parent.authorId)) {
    told.add(parent.authorId);
    requests.push({ type: "reply", recipients: [parent.authorId], actor: author, subject: { content, url }, groupKey: `comment:${parent.id}`, message: "notifications:messages.replyToComment" });
  }
  if (followers.has(content.authorId) && !told.has(content.authorId)) {
    told.add(content.authorId);
    requests.push({ type: "reply", recipients: [content.authorId], actor: author, subject: { content, url } });
  }
  requests.push({ type: "comment", recipients: [...followers].filter((id) => !told.has(id)), actor: author, subject: { content, url } });
  return requests;
}

/** Core's own events become notifications and live updates; core subscribes as "core", always on. */
export function listenToCoreEvents(registry: ModuleRegistry, live: LiveHub) {
  const send = (requests: CoreRequest[]) => requestNotifications(registry, "core", requests);
  const on = <K extends keyof ActionHooks>(name: K, handler: ActionHandler<K>) => registry.hooks.on("core", name, handler);

  on("content.created", async ({ content, author, mentionedUserIds, mentionsContainer }) => {
    await followAutomatically(content.id, [author.id, ...mentionedUserIds]);
    await send(mentionRequests(content, author, mentionedUserIds, mentionsContainer, `/c/${content.id}`));
    await live.publish({ kind: "content", streamKey: content.streamKey, contentId: content.id, authorId: author.id, type: content.type });
  });

  on("content.updated", async ({ content, editor, mentionedUserIds }) => {
    await followAutomatically(content.id, mentionedUserIds);
    await send(mentionRequests(content, editor, mentionedUserIds, false, `/c/${content.id}`));
  });

  on("comment.created", async ({ comment, content, author, mentionedUserIds, mentionsContainer }) => {
    const requests = await commentRequests(comment, content, author, mentionedUserIds, mentionsContainer);
    await followAutomatically(content.id, [author.id, ...mentionedUserIds]);
    await send(requests);
  });

  on("reaction.added", async ({ content, comment, user }) => {
    const ownerId = comment ? comment.authorId : content.authorId;
    if (!(await followerIds(content.id)).includes(ownerId)) return;
    await send([
      {
        type: "reaction",
        recipients: [ownerId],
        actor: user,
        subject: { content, url: comment ? `/c/${content.id}#comment-${comment.id}` : `/c/${content.id}` },
        groupKey: comment ? `comment:${comment.id}` : `content:${content.id}`,
        ...(comment ? { message: "notifications:messages.reactionOnComment" } : {}),
      },
    ]);
  });

  on("announcement.published", async ({ announcement, content, by }) => {
    await send([{ type: "announcement", recipients: [], audience: containerOf(content), actor: by, subject: { content, url: `/c/${content.id}` }, groupKey: `announcement:${announcement.id}` }]);
  });

  on("user.followed", async ({ follower, followed }) => {
    await send([{ type: "follow", recipients: [followed.id], actor: follower, subject: { url: `/u/${follower.username}` }, groupKey: "follow" }]);
  });
}
