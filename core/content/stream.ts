import { QueryTypes, type Sequelize } from "sequelize";
import { Content, streamKeyOf } from "../models/content.ts";
import { modelRows } from "../db/model-rows.ts";
import { badRequest } from "../http/errors.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { ContentPolicy } from "../policies/content.ts";
import type { User } from "../models/user.ts";

/** The registry of the app using this database, for module switches per container (set when modules register). */
const registries = new WeakMap<Sequelize, ModuleRegistry>();

export function bindStreamRegistry(sequelize: Sequelize, registry: ModuleRegistry) {
  registries.set(sequelize, registry);
}

/**
 * A SQL condition, true for a content that may show: content of a module that its container's admins can
 * switch on and off shows only where it is on (forced modules are on everywhere; core types always show).
 * `table` qualifies the columns (type, container_type, container_id; search_documents names its type
 * column content_type); values are escaped inline so the fragment fits any query.
 */
export function moduleGateSql(sequelize: Sequelize, table: string, typeColumn = "type"): string {
  const rules = gateRules(sequelize);
  if (!rules) return "1 = 1";
  const fragmentKey = `${table}|${typeColumn}`;
  const remembered = rules.fragments.get(fragmentKey);
  if (remembered !== undefined) return remembered;
  const q = (value: string) => sequelize.escape(value);
  const off = [...rules.byType].map(
    ([type, { moduleId, containerTypes }]) =>
      `(${table}.${typeColumn} = ${q(type)} AND ${table}.container_type IN (${[...containerTypes].map(q).join(", ")}) AND NOT EXISTS (
         SELECT 1 FROM module_states gate WHERE gate.module_id = ${q(moduleId)} AND gate.container_type = ${table}.container_type
         AND gate.container_id = ${table}.container_id AND gate.state = 'enabled'))`,
  );
  // A row without a type (a search document for a person or a group) is no module's content; without the
  // IS NULL test, NOT over NULL would drop it.
  const sql = off.length ? `(${table}.${typeColumn} IS NULL OR NOT (${off.join(" OR ")}))` : "1 = 1";
  rules.fragments.set(fragmentKey, sql);
  return sql;
}

/**
 * What the module gate hides, by content type: the module whose switch decides and the container types where
 * it is chosen per container (forced modules and core types never hide). Built once per registered types and
 * forced switches (every stream page asks for it; building it cost some 30 µs a page), with the SQL fragments
 * made from it per table.
 */
interface GateRules {
  byType: Map<string, { moduleId: string; containerTypes: Set<string> }>;
  fragments: Map<string, string>;
}

function gateRules(sequelize: Sequelize): GateRules | null {
  const registry = registries.get(sequelize);
  if (!registry) return null;
  const gated = [...registry.contentTypes].filter(([, definition]) => definition.moduleId !== "core");
  const key = gated.map(([type, definition]) => `${type}:${registry.isForced(definition.moduleId) ? 1 : 0}`).join(",");
  let known = gateRulesByKey.get(registry);
  if (!known) gateRulesByKey.set(registry, (known = new Map()));
  const remembered = known.get(key);
  if (remembered) return remembered;
  const byType: GateRules["byType"] = new Map();
  for (const [type, definition] of gated) {
    if (registry.isForced(definition.moduleId)) continue;
    const containerTypes = (registry.definition(definition.moduleId)?.scopes ?? []).filter((scope) => scope !== "instance");
    if (containerTypes.length > 0) byType.set(type, { moduleId: definition.moduleId, containerTypes: new Set(containerTypes) });
  }
  // A handful of keys in practice (forced switches change rarely); bounded all the same.
  if (known.size >= 64) known.clear();
  const rules = { byType, fragments: new Map<string, string>() };
  known.set(key, rules);
  return rules;
}

/** Whether the gate could hide this content: a type whose module is chosen per container, in such a container. */
function mayBeGated(rules: GateRules, content: Pick<Content, "type" | "containerType">): boolean {
  return rules.byType.get(content.type)?.containerTypes.has(content.containerType) ?? false;
}

/** gateRules per registry, by registered types and forced switches. */
const gateRulesByKey = new WeakMap<ModuleRegistry, Map<string, GateRules>>();

/** A WHERE fragment with its named replacements. */
export interface SqlCondition {
  sql: string;
  replacements: Record<string, unknown>;
}

/**
 * True, over `contents` aliased `alias`, for what the viewer may read: a live content of a type that is on,
 * its module on in its container, in a container the policy lets them read (readableIds per container type,
 * asked once per request). Lets a list that spans containers be filtered in its one SQL statement.
 */
export async function readableContentSql(registry: ModuleRegistry, policy: ContentPolicy, alias: string): Promise<SqlCondition> {
  const replacements: Record<string, unknown> = {};
  const containers: string[] = [];
  for (const type of registry.containerTypes.keys()) {
    if (!registry.containerType(type)) continue;
    const ids = await policy.readableIds(type);
    if (ids !== "all" && ids.size === 0) continue;
    const index = containers.length;
    replacements[`readableType${index}`] = type;
    if (ids === "all") containers.push(`${alias}.container_type = :readableType${index}`);
    else {
      replacements[`readableIds${index}`] = [...ids];
      containers.push(`(${alias}.container_type = :readableType${index} AND ${alias}.container_id IN (:readableIds${index}))`);
    }
  }
  const contentTypes = [...registry.contentTypes.keys()].filter((type) => registry.contentType(type));
  if (containers.length === 0 || contentTypes.length === 0) return { sql: "1 = 0", replacements };
  replacements.readableContentTypes = contentTypes;
  const sql = `${alias}.deleted_at IS NULL AND ${alias}.hidden_at IS NULL AND ${alias}.type IN (:readableContentTypes)
    AND (${containers.join(" OR ")}) AND ${moduleGateSql(Content.sequelize!, alias)}`;
  return { sql, replacements };
}

/** Keyset position in a stream: entries strictly older than (sortAt, id). */
export interface StreamCursor {
  sortAt: Date;
  id: number;
}

export function encodeCursor(cursor: StreamCursor) {
  return `${cursor.sortAt.getTime()}-${cursor.id}`;
}

/** Reads ?before=; anything but "<ms>-<id>" is a 400, not a silent first page. */
export function decodeCursor(value: unknown): StreamCursor | null {
  if (value === undefined || value === "") return null;
  const match = typeof value === "string" ? /^(\d{1,15})-(\d{1,10})$/.exec(value) : null;
  if (!match) throw badRequest("stream:errors.cursor");
  return { sortAt: new Date(Number(match[1])), id: Number(match[2]) };
}

export interface StreamPage {
  contents: Content[];
  next: StreamCursor | null;
}

export interface StreamQuery {
  /** "<container_type>:<container_id>" of every container shown. */
  streamKeys: string[];
  before?: StreamCursor | null;
  limit: number;
  /** Only contents of this type ("post"). */
  type?: string;
}

/**
 * Newest-activity-first page of live contents across many containers, in one query whatever the page size.
 * PostgreSQL probes each container with a LATERAL LIMIT (it would otherwise scan and sort the whole IN list,
 * DESIGN.md); SQLite reads every live row of the IN list through (stream_key, sort_at, id) and sorts them.
 * The rows come whole: both read each candidate row anyway for the deleted/hidden test.
 *
 * The module gate (content of a module switched off in its container never shows) is a NOT EXISTS per row
 * read, some 15 % of the statement's time when no row needs it. So the page is read without it first: when none
 * of its rows is of a type the gate could hide, it is exactly the gated page (the gated rows are a subset of
 * these, and the newest of them all pass). When some are, one small statement asks whether their module is on
 * in their containers; only if one is off is the page read again with the gate.
 */
export async function streamPage(sequelize: Sequelize, query: StreamQuery): Promise<StreamPage> {
  const keys = [...new Set(query.streamKeys)];
  if (keys.length === 0) return { contents: [], next: null };
  const limit = query.limit + 1;
  const replacements: Record<string, unknown> = { keys, limit, type: query.type ?? null };
  const after = query.before ? "AND (sort_at < :sortAt OR (sort_at = :sortAt AND id < :id))" : "";
  if (query.before) Object.assign(replacements, { sortAt: query.before.sortAt, id: query.before.id });
  const typeFilter = query.type ? "AND type = :type" : "";
  const statement = (gate: string) => {
    const live = `deleted_at IS NULL AND hidden_at IS NULL ${gate}`;
    return sequelize.getDialect() === "postgres"
      ? `SELECT c.* FROM unnest(ARRAY[:keys]::varchar[]) AS k(key)
         CROSS JOIN LATERAL (SELECT * FROM contents WHERE stream_key = k.key AND ${live} ${after} ${typeFilter}
                             ORDER BY sort_at DESC, id DESC LIMIT :limit) c
         ORDER BY c.sort_at DESC, c.id DESC LIMIT :limit`
      : `SELECT * FROM contents WHERE stream_key IN (:keys) AND ${live} ${after} ${typeFilter}
         ORDER BY sort_at DESC, id DESC LIMIT :limit`;
  };
  const rules = gateRules(sequelize);
  const ungated = await modelRows(Content, statement(""), replacements);
  const doubtful = rules ? ungated.filter((content) => mayBeGated(rules, content)) : [];
  if (doubtful.length === 0 || (await allSwitchedOn(sequelize, rules!, doubtful))) return pageOf(ungated, query.limit);
  return pageOf(await modelRows(Content, statement(`AND ${moduleGateSql(sequelize, "contents")}`), replacements), query.limit);
}

/** Whether each content's module is on in its container (one statement): the gate would let them all show. */
async function allSwitchedOn(sequelize: Sequelize, rules: GateRules, contents: Content[]): Promise<boolean> {
  const pairs = new Map<string, { moduleId: string; containerType: string; containerId: number }>();
  for (const content of contents) {
    const moduleId = rules.byType.get(content.type)!.moduleId;
    pairs.set(`${moduleId}|${content.containerType}:${content.containerId}`, { moduleId, containerType: content.containerType, containerId: content.containerId });
  }
  const replacements: Record<string, unknown> = {};
  const terms = [...pairs.values()].map((pair, index) => {
    Object.assign(replacements, { [`m${index}`]: pair.moduleId, [`t${index}`]: pair.containerType, [`i${index}`]: pair.containerId });
    return `(module_id = :m${index} AND container_type = :t${index} AND container_id = :i${index})`;
  });
  const rows = await sequelize.query<{ module_id: string; container_type: string; container_id: number }>(
    `SELECT module_id, container_type, container_id FROM module_states WHERE state = 'enabled' AND (${terms.join(" OR ")})`,
    { replacements, type: QueryTypes.SELECT },
  );
  const on = new Set(rows.map((row) => `${row.module_id}|${row.container_type}:${Number(row.container_id)}`));
  return [...pairs.keys()].every((key) => on.has(key));
}

/**
 * A person's profile stream as the viewer may read it: what they wrote anywhere the viewer reads (company
 * stream, groups, profiles) and what others wrote on their profile, newest activity first, in one statement.
 * Each branch walks its own index, (author_id, sort_at, id) and (stream_key, sort_at, id), and stops at
 * the page size, so a prolific author costs no more than a quiet one.
 */
export async function profileStreamPage(registry: ModuleRegistry, policy: ContentPolicy, personId: number, before: StreamCursor | null, limit: number): Promise<StreamPage> {
  const readable = await readableContentSql(registry, policy, "c");
  const replacements: Record<string, unknown> = { ...readable.replacements, personId, profileKey: streamKeyOf("user", personId), limit: limit + 1 };
  const after = before ? "AND (c.sort_at < :sortAt OR (c.sort_at = :sortAt AND c.id < :id))" : "";
  if (before) Object.assign(replacements, { sortAt: before.sortAt, id: before.id });
  const branch = (where: string, name: string) =>
    `SELECT * FROM (SELECT c.* FROM contents c WHERE ${where} AND ${readable.sql} ${after} ORDER BY c.sort_at DESC, c.id DESC LIMIT :limit) ${name}`;
  const sql = `SELECT * FROM (${branch("c.author_id = :personId", "authored")}
    UNION ALL ${branch("c.stream_key = :profileKey AND (c.author_id IS NULL OR c.author_id <> :personId)", "received")}) page
    ORDER BY page.sort_at DESC, page.id DESC LIMIT :limit`;
  return pageOf(await modelRows(Content, sql, replacements), limit);
}

/** Loads contents by id keeping the given order (one query); `gated` leaves out content of modules switched off in its container. */
export async function byIdsInOrder(ids: number[], gated = false): Promise<Content[]> {
  if (ids.length === 0) return [];
  const sequelize = Content.sequelize!;
  const gate = gated ? `AND ${moduleGateSql(sequelize, "contents")}` : "";
  const found = new Map((await modelRows(Content, `SELECT * FROM contents WHERE id IN (:ids) ${gate}`, { ids })).map((content) => [content.id, content]));
  return ids.map((id) => found.get(id)).filter((content): content is Content => Boolean(content));
}

/** Trims the one extra row fetched to know whether there is a next page. */
export function pageOf(contents: Content[], limit: number): StreamPage {
  const page = contents.slice(0, limit);
  const last = page.at(-1);
  return { contents: page, next: contents.length > limit && last ? { sortAt: last.sortAt, id: last.id } : null };
}

/**
 * Counts, up to a cap, what others wrote in these containers (the reader's dashboard, all readable) since a
 * moment: "N new posts". Every type that shows in the stream counts, a module's as much as a post, as long as
 * its module is on, there too, and the type shows the entry to this reader (ContentTypeDefinition.shownTo).
 */
export async function countNewer(sequelize: Sequelize, streamKeys: string[], since: Date, reader: User, cap = 99): Promise<number> {
  const registry = registries.get(sequelize);
  const types = registry ? [...registry.contentTypes.keys()].filter((type) => registry.contentType(type)) : ["post"];
  if (streamKeys.length === 0 || types.length === 0) return 0;
  const replacements: Record<string, unknown> = { keys: [...new Set(streamKeys)], since, types, readerId: reader.id, cap: cap + 1 };
  const narrower: string[] = [];
  for (const type of types) {
    const rule = registry?.contentType(type)?.shownTo;
    if (!rule) continue;
    const own = await rule(reader, "contents");
    replacements[`shownType${narrower.length}`] = type;
    Object.assign(replacements, own.replacements);
    narrower.push(`AND (contents.type <> :shownType${narrower.length} OR (${own.sql}))`);
  }
  const [row] = await sequelize.query<{ count: number }>(
    `SELECT COUNT(*) AS count FROM (SELECT id FROM contents WHERE stream_key IN (:keys) AND deleted_at IS NULL AND hidden_at IS NULL
       AND sort_at > :since AND created_at > :since AND type IN (:types) AND (author_id IS NULL OR author_id <> :readerId)
       AND ${moduleGateSql(sequelize, "contents")} ${narrower.join(" ")} LIMIT :cap) newer`,
    { replacements, type: QueryTypes.SELECT },
  );
  return Number(row?.count ?? 0);
}

/** One candidate of a filtered stream, with the key its list is ordered by. */
export interface Candidate {
  id: number;
  key: StreamCursor;
}

/**
 * A page of a list that cannot be restricted to readable containers in SQL (my posts, mentions, a topic):
 * fetches candidates by keyset in batches and keeps the readable ones, a bounded number of rounds.
 */
export async function readablePage(
  fetch: (before: StreamCursor | null, limit: number) => Promise<Candidate[]>,
  keep: (contents: Content[]) => Promise<Content[]>,
  before: StreamCursor | null,
  limit: number,
  maxRounds = 4,
): Promise<StreamPage> {
  const kept: { content: Content; key: StreamCursor }[] = [];
  let cursor = before;
  const batchSize = limit * 2 + 1;
  for (let round = 0; round < maxRounds && kept.length <= limit; round += 1) {
    const candidates = await fetch(cursor, batchSize);
    const contents = await byIdsInOrder(candidates.map((candidate) => candidate.id), true);
    const readable = new Set((await keep(contents)).map((content) => content.id));
    const byId = new Map(contents.map((content) => [content.id, content]));
    for (const candidate of candidates) {
      if (readable.has(candidate.id)) kept.push({ content: byId.get(candidate.id)!, key: candidate.key });
      if (kept.length > limit) break;
    }
    if (candidates.length < batchSize) return { contents: kept.slice(0, limit).map((k) => k.content), next: null };
    cursor = candidates.at(-1)!.key;
  }
  const page = kept.slice(0, limit);
  // More candidates remain (or one more readable entry was found): continue after the last one shown, or the last one scanned.
  const next = kept.length > limit ? page.at(-1)!.key : cursor;
  return { contents: page.map((k) => k.content), next };
}
