import { Op, QueryTypes, type Sequelize } from "sequelize";
import { Attachment } from "../models/attachment.ts";
import { Comment } from "../models/comment.ts";
import { Content } from "../models/content.ts";
import { Post } from "../models/post.ts";
import { User } from "../models/user.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { ContentPolicy } from "../policies/content.ts";
import { attachmentView } from "../content/attachments/entries.ts";
import { cardOf, personColumns, type PersonCard, type PersonRow } from "../people/cards.ts";
import type { FieldSwitches } from "../people/profile-fields.ts";
import type { Highlight, Hit } from "./engine.ts";
import { hasMatch, markedHtml, markWords, plainHtml, stripMarkdown } from "./snippets.ts";
import type { SearchKind } from "./sources.ts";

/** One result as the results page shows it; the HTML fields are escaped, with <mark> around matches. */
export interface ResultView {
  id: number;
  kind: SearchKind;
  url: string;
  titleHtml: string;
  snippetHtml: string;
  author: { displayName: string; username: string } | null;
  container: { name: string; url: string | null; type: string } | null;
  date: Date | null;
  person: PersonCard | null;
  /** Files: the page the file is attached to. */
  contentUrl: string | null;
  /** Comments: what the comment is on (a post's title, or the start of its text), for "Comment by Ana on “…”". */
  commentedOn: string | null;
}

export interface ResultContext {
  sequelize: Sequelize;
  registry: ModuleRegistry;
  policy: ContentPolicy;
  fields: FieldSwitches;
  kinds: SearchKind[];
  /** The searched words, to mark file names the engine could not. */
  words: string[];
}

const subjectLength = 60;

/** A post's title, or the start of its text as it reads (no Markdown), for naming a comment on it. */
function subjectOf(post: Post | undefined): string | null {
  if (!post) return null;
  if (post.title?.trim()) return post.title.trim();
  const text = stripMarkdown(post.body);
  if (!text) return null;
  return [...text].length > subjectLength ? `${[...text].slice(0, subjectLength).join("").trimEnd()}…` : text;
}

const unique = (values: (number | null)[]) => [...new Set(values.filter((value): value is number => value !== null))];

export async function people(sequelize: Sequelize, ids: number[], fields: FieldSwitches) {
  if (ids.length === 0) return new Map<number, PersonCard>();
  const rows = await sequelize.query<PersonRow>(`SELECT ${personColumns} FROM users u LEFT JOIN user_profiles p ON p.user_id = u.id WHERE u.id IN (:ids)`, {
    replacements: { ids },
    type: QueryTypes.SELECT,
  });
  return new Map(rows.map((row) => [Number(row.id), cardOf(row, fields)]));
}

/** Containers of several types, one query per type. */
export async function containers(registry: ModuleRegistry, wanted: { type: string; id: number }[]) {
  const found = new Map<string, { name: string; url: string | null; type: string }>();
  const byType = new Map<string, number[]>();
  for (const { type, id } of wanted) byType.set(type, [...(byType.get(type) ?? []), id]);
  for (const [type, ids] of byType) {
    const definition = registry.containerType(type);
    if (!definition) continue;
    for (const [id, container] of await definition.byIds([...new Set(ids)])) {
      found.set(`${type}:${id}`, { name: container.name, url: type === "company" ? null : `${definition.routePrefix}/${container.slug}`, type });
    }
  }
  return found;
}

/** The module rows (ContentSearch.items) of a page of hits, one load per kind, keyed "<kind>:<ref id>". */
async function itemsOf(registry: ModuleRegistry, policy: ContentPolicy, hits: Hit[], kindOf: Map<string, SearchKind>) {
  const found = new Map<string, { url: string; authorId: number | null; date: Date; contentId: number | null }>();
  const byKind = new Map<string, number[]>();
  for (const hit of hits) if (kindOf.get(hit.kind)?.family === "item") byKind.set(hit.kind, [...(byKind.get(hit.kind) ?? []), hit.refId]);
  if (byKind.size === 0) return found;
  for (const [type, definition] of registry.contentTypes) {
    const items = definition.search?.items;
    const refIds = items && registry.contentType(type) ? byKind.get(items.kind) : undefined;
    if (!items || !refIds) continue;
    for (const [refId, item] of await items.load([...new Set(refIds)], policy)) found.set(`${items.kind}:${refId}`, item);
  }
  return found;
}

/**
 * Turns a page of hits into what the page shows, in a bounded number of queries (one per table and per
 * container type, never per result). Content is checked once more against the policy: a hit whose
 * content the viewer may not read (the index and the data disagreeing) is dropped, never shown.
 */
export async function describeHits(context: ResultContext, hits: Hit[], highlights: Map<number, Highlight>): Promise<ResultView[]> {
  const { registry, policy } = context;
  const kindOf = new Map(context.kinds.map((kind) => [kind.kind, kind]));
  const contents = new Map((await Content.findAll({ where: { id: { [Op.in]: unique(hits.map((hit) => hit.contentId)) } } })).map((content) => [content.id, content]));
  const readable = new Set((await policy.filterReadable([...contents.values()])).map((content) => content.id));
  const commentIds = unique(hits.map((hit) => (hit.kind === "comment" ? hit.refId : null)));
  const fileIds = unique(hits.map((hit) => (hit.kind === "file" ? hit.refId : null)));
  const comments = new Map((commentIds.length ? await Comment.findAll({ where: { id: { [Op.in]: commentIds } }, attributes: ["id", "authorId", "createdAt"] }) : []).map((comment) => [comment.id, comment]));
  const files = new Map((fileIds.length ? await Attachment.findAll({ where: { id: { [Op.in]: fileIds } } }) : []).map((file) => [file.id, file]));
  // One query for the posts the comments are on: a comment's title names what it answers.
  const commentedPostIds = unique(hits.map((hit) => { const content = hit.kind === "comment" ? contents.get(hit.contentId ?? 0) : undefined; return content?.type === "post" ? content.refId : null; }));
  const posts = new Map((commentedPostIds.length ? await Post.findAll({ where: { id: { [Op.in]: commentedPostIds } }, attributes: ["id", "title", "body"] }) : []).map((post) => [post.id, post]));
  const items = await itemsOf(registry, policy, hits, kindOf);
  // Items name the stream entry they came with: shown only if readable, like any content.
  const itemContentIds = unique([...items.values()].map((item) => item.contentId));
  const itemContents = new Set(itemContentIds.length ? (await policy.filterReadable(await Content.findAll({ where: { id: { [Op.in]: itemContentIds } } }))).map((content) => content.id) : []);
  const authorOf = (hit: Hit) =>
    hit.kind === "comment" ? comments.get(hit.refId)?.authorId : hit.kind === "file" ? files.get(hit.refId)?.uploaderId : kindOf.get(hit.kind)?.family === "item" ? items.get(`${hit.kind}:${hit.refId}`)?.authorId : contents.get(hit.contentId ?? 0)?.authorId;
  const authors = new Map((await User.findAll({ where: { id: { [Op.in]: unique(hits.map((hit) => authorOf(hit) ?? null)) } }, attributes: ["id", "username", "displayName"] })).map((user) => [user.id, user]));
  const cards = await people(context.sequelize, unique(hits.map((hit) => (hit.kind === "person" ? hit.refId : null))), context.fields);
  const places = await containers(registry, hits.map((hit) => ({ type: hit.containerType, id: hit.containerId })));

  const views: ResultView[] = [];
  for (const hit of hits) {
    const kind = kindOf.get(hit.kind);
    if (!kind) continue;
    const highlight = highlights.get(hit.id) ?? { title: null, snippet: "" };
    const place = places.get(`${hit.containerType}:${hit.containerId}`) ?? null;
    const view: ResultView = {
      id: hit.id,
      kind,
      url: "",
      titleHtml: markedHtml(highlight.title),
      snippetHtml: markedHtml(stripMarkdown(highlight.snippet)),
      author: null,
      container: null,
      date: null,
      person: null,
      contentUrl: null,
      commentedOn: null,
    };
    if (kind.family === "person") {
      view.person = cards.get(hit.refId) ?? null;
      if (!view.person) continue;
      view.url = `/u/${encodeURIComponent(view.person.username)}`;
      // The profile fields are on the card; the snippet only adds what matched elsewhere (bio, skills).
      if (!hasMatch(highlight.snippet)) view.snippetHtml = "";
    } else if (kind.family === "container") {
      if (!place?.url) continue;
      view.url = place.url;
      if (!highlight.title) view.titleHtml = plainHtml(place.name);
    } else if (kind.family === "item") {
      // The module says which of its rows the viewer may open (and where): the others are not shown.
      const item = items.get(`${hit.kind}:${hit.refId}`);
      if (!item) continue;
      const author = authors.get(item.authorId ?? 0);
      view.author = author ? { displayName: author.displayName, username: author.username } : null;
      view.container = place;
      view.url = item.url;
      view.date = item.date;
      view.contentUrl = item.contentId && itemContents.has(item.contentId) ? `/c/${item.contentId}` : null;
    } else {
      const content = contents.get(hit.contentId ?? 0);
      if (!content || !readable.has(content.id)) continue;
      const author = authors.get(authorOf(hit) ?? 0);
      view.author = author ? { displayName: author.displayName, username: author.username } : null;
      view.container = place;
      view.url = hit.kind === "comment" ? `/c/${content.id}#comment-${hit.refId}` : `/c/${content.id}`;
      view.date = hit.kind === "comment" ? (comments.get(hit.refId)?.createdAt ?? null) : content.createdAt;
      if (hit.kind === "comment") view.commentedOn = subjectOf(content.type === "post" && content.refId ? posts.get(content.refId) : undefined);
      if (hit.kind === "file") {
        const file = files.get(hit.refId);
        if (!file) continue;
        view.url = attachmentView(file).url;
        if (!hasMatch(highlight.title)) view.titleHtml = markedHtml(markWords(file.originalName, context.words));
        view.contentUrl = `/c/${content.id}`;
        view.date = file.createdAt;
        view.snippetHtml = "";
      }
    }
    views.push(view);
  }
  return views;
}
