import type { Dialect } from "../db/sequelize.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import { sqlOf, type ContainerSearch, type ContentSearch, type ItemSearch } from "./types.ts";

/** The columns every source's SELECT yields, in this order, one row per document. */
export const documentColumns = ["ref_id", "content_id", "comment_id", "content_type", "container_type", "container_id", "is_listed", "name", "title", "body", "sort_at"] as const;

/** What a result is: a person card, a container (group) card, something written in a container, or a module's row there (ItemSearch). */
export type SourceFamily = "person" | "container" | "content" | "item";

/**
 * A change in `table` that alters documents of a kind. `keys` is a SELECT of the affected documents'
 * `key` values where `{row}` stands for the written row; a null key re-indexes the whole kind.
 */
export interface Watch {
  table: string;
  key: "ref_id" | "content_id" | "comment_id" | null;
  keys: string;
  /** Rows this condition (over {row}) rejects do not concern the kind. */
  when?: string;
  insert: boolean;
  /** Columns whose change matters; true: any update. */
  update: string[] | true | false;
  delete: boolean;
}

export interface SearchSource {
  kind: string;
  /** Translation key of its tab. */
  label: string;
  family: SourceFamily;
  /** SELECT of documentColumns for every live, indexable row. */
  select: string;
  watches: Watch[];
}

const nullInt = "CAST(NULL AS INTEGER)";
const nullText = "CAST(NULL AS TEXT)";
const live = (alias: string) => `${alias}.deleted_at IS NULL AND ${alias}.hidden_at IS NULL`;
/** Changes of a content that add or remove documents attached to it. */
const contentStateColumns = ["deleted_at", "hidden_at", "container_type", "container_id"];

const join = (parts: string[]) => parts.map((part) => `COALESCE(${part}, '')`).join(" || ' ' || ");
const aggregate = (dialect: Dialect, expression: string) => (dialect === "postgres" ? `string_agg(${expression}, ' ')` : `group_concat(${expression}, ' ')`);
/** Words of a file name: the PostgreSQL parser would keep "report_2024.pdf" as one token. */
const fileWords = (expression: string) => `replace(replace(replace(replace(${expression}, '_', ' '), '.', ' '), '-', ' '), '/', ' ')`;

// An admin may switch profile fields off (core/people/profile-fields.ts): hidden fields are not indexed, so search cannot reveal them.
const isHidden = (field: string) => `COALESCE((SELECT s.value FROM settings s WHERE s.key = 'profileHiddenFields'), '') LIKE '%"${field}"%'`;
const shown = (field: string, expression: string) => `CASE WHEN ${isHidden(field)} THEN NULL ELSE ${expression} END`;
const tags = (dialect: Dialect, kind: string) => `(SELECT ${aggregate(dialect, "t.label")} FROM user_tags t WHERE t.user_id = u.id AND t.kind = '${kind}')`;

function personSource(dialect: Dialect): SearchSource {
  const body = join([
    "u.username",
    shown("jobTitle", "p.job_title"),
    shown("department", "p.department"),
    shown("location", "p.location"),
    shown("skills", tags(dialect, "skill")),
    shown("languages", tags(dialect, "language")),
    shown("bio", "p.bio"),
  ]);
  const byUser = (column: string) => `SELECT {row}.${column}`;
  return {
    kind: "person",
    label: "search:tabs.people",
    family: "person",
    select: `SELECT u.id AS ref_id, ${nullInt} AS content_id, ${nullInt} AS comment_id, ${nullText} AS content_type, 'user' AS container_type,
      u.id AS container_id, 1 AS is_listed, u.display_name || ' ' || u.username AS name, u.display_name AS title, ${body} AS body, u.created_at AS sort_at
      FROM users u LEFT JOIN user_profiles p ON p.user_id = u.id WHERE u.status = 'active'`,
    watches: [
      { table: "users", key: "ref_id", keys: byUser("id"), insert: true, update: ["display_name", "username", "status"], delete: true },
      { table: "user_profiles", key: "ref_id", keys: byUser("user_id"), insert: true, update: ["job_title", "department", "location", "bio"], delete: true },
      { table: "user_tags", key: "ref_id", keys: byUser("user_id"), insert: true, update: true, delete: true },
      { table: "settings", key: null, keys: "", when: "{row}.key = 'profileHiddenFields'", insert: true, update: ["value"], delete: true },
    ],
  };
}

/** A content type's documents: core posts, or a module's table declared with `search`. */
function contentSource(type: string, label: string, table: string, title: string, body: string, columns: string[] | true, related: { table: string; column: string }[] = []): SearchSource {
  const contentOf = (column: string) => `SELECT c.id FROM contents c WHERE c.type = '${type}' AND c.ref_id = {row}.${column}`;
  return {
    kind: type,
    label,
    family: "content",
    select: `SELECT c.id AS ref_id, c.id AS content_id, ${nullInt} AS comment_id, c.type AS content_type, c.container_type, c.container_id,
      0 AS is_listed, ${nullText} AS name, ${title} AS title, COALESCE(${body}, '') AS body, c.created_at AS sort_at
      FROM contents c JOIN "${table}" r ON r.id = c.ref_id WHERE c.type = '${type}' AND ${live("c")}`,
    watches: [
      { table: "contents", key: "ref_id", keys: "SELECT {row}.id", when: `{row}.type = '${type}'`, insert: true, update: [...contentStateColumns, "ref_id"], delete: true },
      { table, key: "ref_id", keys: contentOf("id"), insert: true, update: columns, delete: true },
      ...related.map(({ table: relatedTable, column }) => ({ table: relatedTable, key: "ref_id" as const, keys: contentOf(column), insert: true, update: true as const, delete: true })),
    ],
  };
}

const commentSource: SearchSource = {
  kind: "comment",
  label: "search:tabs.comments",
  family: "content",
  select: `SELECT m.id AS ref_id, m.content_id, m.id AS comment_id, c.type AS content_type, c.container_type, c.container_id, 0 AS is_listed,
    ${nullText} AS name, ${nullText} AS title, m.body, m.created_at AS sort_at
    FROM comments m JOIN contents c ON c.id = m.content_id WHERE ${live("m")} AND ${live("c")}`,
  watches: [
    { table: "comments", key: "ref_id", keys: "SELECT {row}.id", insert: true, update: ["body", "deleted_at", "hidden_at"], delete: true },
    { table: "contents", key: "content_id", keys: "SELECT {row}.id", insert: false, update: contentStateColumns, delete: true },
  ],
};

const fileSource: SearchSource = {
  kind: "file",
  label: "search:tabs.files",
  family: "content",
  select: `SELECT a.id AS ref_id, a.content_id, a.comment_id, c.type AS content_type, c.container_type, c.container_id, 0 AS is_listed,
    ${nullText} AS name, a.original_name AS title, ${fileWords("a.original_name")} AS body, a.created_at AS sort_at
    FROM attachments a JOIN contents c ON c.id = a.content_id LEFT JOIN comments m ON m.id = a.comment_id
    WHERE ${live("c")} AND (a.comment_id IS NULL OR (m.deleted_at IS NULL AND m.hidden_at IS NULL))`,
  watches: [
    { table: "attachments", key: "ref_id", keys: "SELECT {row}.id", insert: true, update: ["content_id", "comment_id", "original_name"], delete: true },
    { table: "contents", key: "content_id", keys: "SELECT {row}.id", insert: false, update: contentStateColumns, delete: true },
    { table: "comments", key: "comment_id", keys: "SELECT {row}.id", insert: false, update: ["deleted_at", "hidden_at"], delete: true },
  ],
};

function containerSource(type: string, search: ContainerSearch, dialect: Dialect): SearchSource {
  const title = sqlOf(search.title, dialect);
  const date = search.date ? sqlOf(search.date, dialect) : "r.created_at";
  const byContainer = (column: string) => `SELECT {row}.${column}`;
  return {
    kind: type,
    label: search.label,
    family: "container",
    select: `SELECT r.id AS ref_id, ${nullInt} AS content_id, ${nullInt} AS comment_id, ${nullText} AS content_type, '${type}' AS container_type,
      r.id AS container_id, CASE WHEN ${sqlOf(search.listed, dialect)} THEN 1 ELSE 0 END AS is_listed, ${title} AS name, ${title} AS title,
      COALESCE(${sqlOf(search.body, dialect)}, '') AS body, COALESCE(${date}, CURRENT_TIMESTAMP) AS sort_at FROM "${search.table}" r`,
    watches: [
      { table: search.table, key: "ref_id", keys: byContainer("id"), insert: true, update: search.columns ?? true, delete: true },
      ...(search.related ?? []).map(({ table, column }) => ({ table, key: "ref_id" as const, keys: byContainer(column), insert: true, update: true as const, delete: true })),
    ],
  };
}

/** A module's rows found on their own (ContentSearch.items), under the rules of the content type declaring them. */
function itemSource(contentType: string, search: ItemSearch, dialect: Dialect): SearchSource {
  const byRow = (column: string) => `SELECT {row}.${column}`;
  return {
    kind: search.kind,
    label: search.label,
    family: "item",
    select: `SELECT r.id AS ref_id, ${nullInt} AS content_id, ${nullInt} AS comment_id, '${contentType}' AS content_type,
      ${sqlOf(search.containerType, dialect)} AS container_type, ${sqlOf(search.containerId, dialect)} AS container_id, 0 AS is_listed, ${nullText} AS name,
      ${sqlOf(search.title, dialect)} AS title, COALESCE(${sqlOf(search.body, dialect)}, '') AS body, ${search.date ? sqlOf(search.date, dialect) : "r.created_at"} AS sort_at
      FROM "${search.table}" r WHERE ${search.where ? sqlOf(search.where, dialect) : "1 = 1"}`,
    watches: [
      { table: search.table, key: "ref_id", keys: byRow("id"), insert: true, update: search.columns ?? true, delete: true },
      ...(search.related ?? []).map(({ table, column }) => ({ table, key: "ref_id" as const, keys: byRow(column), insert: true, update: true as const, delete: true })),
    ],
  };
}

const coreKinds = new Set(["person", "post", "comment", "file"]);
const kindPattern = /^[a-z][a-z0-9-]{0,31}$/;
const identifierPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** Refuses names that would not be safe to write into trigger SQL; modules are trusted, typos are not. */
function checkDeclaration(kind: string, search: ContentSearch | ItemSearch) {
  if (!kindPattern.test(kind) || coreKinds.has(kind)) throw new Error(`search: type "${kind}" cannot be indexed (name taken or not [a-z0-9-])`);
  const names = [search.table, ...(search.columns ?? []), ...(search.related ?? []).flatMap((related) => [related.table, related.column])];
  const bad = names.find((name) => !identifierPattern.test(name));
  if (bad) throw new Error(`search: "${bad}" in the declaration of "${kind}" is not a plain table or column name`);
}

/**
 * Every searchable source: core's (people, posts, comments, file names) and those modules declare on
 * their content and container types, whether the module is on or off (switching it on then needs no
 * re-index; the query leaves out switched-off kinds). Invalid declarations are reported, not installed.
 */
export function searchSources(registry: ModuleRegistry, dialect: Dialect, onError: (kind: string, error: Error) => void = () => {}): SearchSource[] {
  const sources = [personSource(dialect), contentSource("post", "search:tabs.posts", "posts", "r.title", "r.body", ["title", "body"]), commentSource, fileSource];
  for (const [type, definition] of registry.containerTypes) {
    if (!definition.search) continue;
    try {
      checkDeclaration(type, definition.search);
      sources.push(containerSource(type, definition.search, dialect));
    } catch (error) {
      onError(type, error as Error);
    }
  }
  for (const [type, definition] of registry.contentTypes) {
    if (!definition.search || type === "post") continue;
    const search = definition.search;
    try {
      checkDeclaration(type, search);
      sources.push(contentSource(type, search.label, search.table, sqlOf(search.title, dialect), sqlOf(search.body, dialect), search.columns ?? true, search.related));
    } catch (error) {
      onError(type, error as Error);
    }
    if (!search.items) continue;
    try {
      if (registry.contentTypes.has(search.items.kind)) throw new Error(`search: item kind "${search.items.kind}" is a content type`);
      checkDeclaration(search.items.kind, search.items);
      sources.push(itemSource(type, search.items, dialect));
    } catch (error) {
      onError(search.items.kind, error as Error);
    }
  }
  return sources;
}

/** A results tab: a kind the viewer's instance has switched on. */
export interface SearchKind {
  kind: string;
  label: string;
  family: SourceFamily;
}

/** The kinds searchable now, in tab order: people, containers (groups), posts, modules' content and items, comments, files. */
export function searchKinds(registry: ModuleRegistry): SearchKind[] {
  const containers: SearchKind[] = [];
  for (const [type, definition] of registry.containerTypes) {
    if (definition.search && registry.containerType(type)) containers.push({ kind: type, label: definition.search.label, family: "container" });
  }
  const contents: SearchKind[] = [];
  const items: SearchKind[] = [];
  for (const [type, definition] of registry.contentTypes) {
    if (!definition.search || !registry.contentType(type)) continue;
    if (type !== "post" && !coreKinds.has(type)) contents.push({ kind: type, label: definition.search.label, family: "content" });
    const declared = definition.search.items;
    if (declared && !coreKinds.has(declared.kind)) items.push({ kind: declared.kind, label: declared.label, family: "item" });
  }
  return [
    { kind: "person", label: "search:tabs.people", family: "person" },
    ...containers,
    { kind: "post", label: "search:tabs.posts", family: "content" },
    ...contents,
    ...items,
    { kind: "comment", label: "search:tabs.comments", family: "content" },
    { kind: "file", label: "search:tabs.files", family: "content" },
  ];
}
