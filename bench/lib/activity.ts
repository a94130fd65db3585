import type { BulkWriter, Value } from "./bulk-writer.ts";
import type { Population } from "./people.ts";
import { below, exponential, geometric, Zipf, type Random } from "./random.ts";
import { bodyHtml, commentBody, places, postBody, postTitle, topicLabels } from "./text.ts";

const hourMs = 3600 * 1000;
const dayMs = 24 * hourMs;

/** Share of contents per kind of container; the rest goes to groups. */
const companyShare = 0.1;
const profileShare = 0.2;
const commentedShare = 0.3;
const reactedShare = 0.4;
const reactionKinds: [string, number][] = [["like", 0.7], ["celebrate", 0.1], ["support", 0.08], ["insightful", 0.07], ["funny", 0.05]];

export interface ActivityOptions {
  contents: number;
  now: number;
  /** Contents are spread over this period before now. */
  spanMs: number;
  tables: Set<string>;
  onProgress(done: number): void;
}

interface Placement {
  containerType: string;
  containerId: number;
  author: number;
  /** Someone who may read the container: commenters, reactors and mentioned people are drawn from here. */
  participant(): number;
  isBenchReader: boolean;
}

function reactionKind(random: Random) {
  let roll = random();
  for (const [kind, weight] of reactionKinds) if ((roll -= weight) < 0) return kind;
  return "like";
}

/** Distinct participants, at most `wanted`, without `except`. */
function distinct(place: Placement, wanted: number, except: number) {
  const chosen = new Set<number>();
  for (let attempt = 0; chosen.size < wanted && attempt < wanted * 4; attempt += 1) {
    const id = place.participant();
    if (id !== except) chosen.add(id);
  }
  return [...chosen];
}

/**
 * Contents (posts), oldest first, each placed Zipf-like on the company stream, a profile or a group and
 * written by an active member of it; with comments and replies, reactions, mentions and topics, counts kept
 * consistent, and sort_at moved to the last comment (newest activity first).
 */
export async function createActivity(writer: BulkWriter, random: Random, population: Population, options: ActivityOptions) {
  const { tables, now } = options;
  const at = (time: number) => writer.date(time);
  const userOf = () => population.userByRank[population.userActivity.next()];
  const everyone = (author: number, containerType: string, containerId: number): Placement => ({ containerType, containerId, author, participant: userOf, isBenchReader: true });
  const place = (): Placement => {
    const roll = random();
    if (roll < companyShare) return everyone(userOf(), "company", 0);
    if (roll < companyShare + profileShare || population.groups.length === 0) {
      const owner = userOf();
      return everyone(owner, "user", owner);
    }
    const group = population.groups[population.groupActivity.next()];
    const member = () => group.members[group.activity.next()];
    return { containerType: "group", containerId: group.id, author: member(), participant: member, isBenchReader: group.hasBench };
  };
  const mentionable = (where: Placement) => (where.isBenchReader && random() < 0.02 ? population.benchId : where.participant());

  const topicNames = [...topicLabels, ...places.map((placeName) => placeName.toLowerCase())];
  const topics = writer.table("topics", ["id", "name", "label", "created_at"]);
  topicNames.forEach((name, index) => topics.add([index + 1, name, name, at(now - options.spanMs)]));
  const topicFollows = writer.table("topic_follows", ["topic_id", "user_id", "created_at"]);
  for (const userId of population.userIds) {
    const count = userId === population.benchId ? 3 : random() < 0.2 ? 1 + below(random, 2) : 0;
    for (const topicId of new Set(Array.from({ length: count }, () => 1 + below(random, topicNames.length)))) topicFollows.add([topicId, userId, at(now - 30 * dayMs)]);
  }
  await writer.flush();
  const topicActivity = new Zipf(topicNames.length, 1, random);

  const contents = writer.table("contents", ["id", "type", "ref_id", "container_type", "container_id", "stream_key", "author_id", "sort_at", "edited_at", "deleted_at", "deleted_by", "hidden_at", "hidden_by", "pinned_at", "comment_count", "reaction_count", "created_at", "updated_at"]);
  const posts = writer.table("posts", ["id", "title", "body", "body_html", "created_at", "updated_at"]);
  const contentTopics = writer.table("content_topics", ["content_id", "topic_id", "sort_at"]);
  const hasComments = tables.has("comments");
  const hasReactions = tables.has("reactions");
  const comments = hasComments ? writer.table("comments", ["id", "content_id", "parent_id", "author_id", "body", "body_html", "edited_at", "deleted_at", "hidden_at", "hidden_by", "created_at", "updated_at"]) : null;
  const reactions = hasReactions ? writer.table("reactions", ["id", "content_id", "comment_id", "user_id", "kind", "created_at"]) : null;
  const mentions = writer.table("mentions", ["id", "content_id", "comment_id", "user_id", "created_at"]);
  let commentId = 0;
  let reactionId = 0;
  let mentionId = 0;
  const latestCompany: number[] = [];

  const step = options.spanMs / options.contents;
  const start = now - options.spanMs;
  for (let id = 1; id <= options.contents; id += 1) {
    const created = Math.floor(start + (id - 1 + random()) * step);
    const where = place();
    if (where.containerType === "company") {
      latestCompany.push(id);
      if (latestCompany.length > 2) latestCompany.shift();
    }

    const mentioned = random() < 0.04 ? mentionable(where) : null;
    const tagged = random() < 0.08 ? [...new Set(Array.from({ length: random() < 0.3 ? 2 : 1 }, () => topicActivity.next()))] : [];
    const body = postBody(random, { mentions: mentioned ? [population.usernames[mentioned - 1]] : [], topics: tagged.map((rank) => topicNames[rank]) });
    posts.add([id, random() < 0.2 ? postTitle(random) : null, body, bodyHtml(body), at(created), at(created)]);
    for (const rank of tagged) contentTopics.add([id, rank + 1, at(created)]);
    if (mentioned) mentions.add([(mentionId += 1), id, null, mentioned, at(created)]);

    let lastActivity = created;
    let commentCount = 0;
    if (comments && random() < commentedShare) {
      const count = Math.min(200, 1 + geometric(random, 2.5));
      const topLevel: number[] = [];
      let time = created;
      for (let index = 0; index < count; index += 1) {
        time = Math.floor(Math.min(time + exponential(random, 3 * hourMs), now));
        const parent = topLevel.length && random() < 0.25 ? topLevel[below(random, topLevel.length)] : null;
        commentId += 1;
        if (!parent) topLevel.push(commentId);
        const mentionedInComment = random() < 0.01 ? mentionable(where) : null;
        const text = commentBody(random, { mentions: mentionedInComment ? [population.usernames[mentionedInComment - 1]] : [] });
        comments.add([commentId, id, parent, where.participant(), text, bodyHtml(text), null, null, null, null, at(time), at(time)]);
        if (mentionedInComment) mentions.add([(mentionId += 1), id, commentId, mentionedInComment, at(time)]);
        if (reactions && random() < 0.1) {
          for (const userId of distinct(where, 1 + geometric(random, 1), -1)) reactions.add([(reactionId += 1), id, commentId, userId, "like", at(time + hourMs)]);
        }
      }
      commentCount = count;
      lastActivity = time;
    }

    let reactionCount = 0;
    if (reactions && random() < reactedShare) {
      const reactors = distinct(where, 1 + geometric(random, 5), -1);
      for (const userId of reactors) reactions.add([(reactionId += 1), id, null, userId, reactionKind(random), at(Math.floor(Math.min(now, created + exponential(random, dayMs))))]);
      reactionCount = reactors.length;
    }

    const roll = random();
    const deleted = roll < 0.005 ? [at(created + hourMs), where.author] : [null, null];
    const hidden = roll > 0.999 ? [at(created + hourMs), population.adminId] : [null, null];
    const row: Value[] = [id, "post", id, where.containerType, where.containerId, `${where.containerType}:${where.containerId}`, where.author, at(lastActivity)];
    contents.add([...row, null, ...deleted, ...hidden, null, commentCount, reactionCount, at(created), at(lastActivity)]);
    await writer.drain();
    if (id % 50_000 === 0) options.onProgress(id);
  }
  await writer.flush();
  if (tables.has("announcements")) await createAnnouncements(writer, random, population, latestCompany, now);
  return { contents: contents.written, posts: posts.written, comments: comments?.written ?? 0, reactions: reactions?.written ?? 0, mentions: mentions.written, contentTopics: contentTopics.written };
}

/** The two newest company posts are running announcements (one asks for an acknowledgement); 40% of people have answered. */
async function createAnnouncements(writer: BulkWriter, random: Random, population: Population, contentIds: number[], now: number) {
  const announcements = writer.table("announcements", ["id", "content_id", "requires_ack", "expires_at", "created_by", "ended_at", "created_at", "updated_at"]);
  const receipts = writer.table("announcement_receipts", ["announcement_id", "user_id", "dismissed_at", "acknowledged_at"]);
  const stamp = writer.date(now - dayMs);
  contentIds.forEach((contentId, index) => {
    const id = index + 1;
    const requiresAck = index === 0;
    announcements.add([id, contentId, requiresAck, null, population.adminId, null, stamp, stamp]);
    for (const userId of population.userIds) {
      if (userId === population.benchId || random() >= 0.4) continue;
      receipts.add([id, userId, requiresAck ? null : stamp, requiresAck ? stamp : null]);
    }
  });
  await writer.flush();
}
