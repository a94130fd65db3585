import type { Dialect } from "../db/sequelize.ts";

/** SQL that may differ per database (string_agg on PostgreSQL, group_concat on SQLite). */
export type SqlText = string | ((dialect: Dialect) => string);

/**
 * Makes a module's table searchable. Core turns this into database triggers, so every write to the
 * table (by the module, another module, a script) updates the search index in the same transaction.
 * Expressions are SQL over the table's row, aliased `r`; text is plain text (Markdown source is fine, not HTML).
 */
export interface SearchableTable {
  /** Translation key of the results tab, e.g. "polls:search.tab". */
  label: string;
  /** The module's table; its primary key column is `id`. */
  table: string;
  /** The result's title (may be NULL) and the text searched and quoted in snippets. */
  title: SqlText;
  body: SqlText;
  /** Updates of only these columns change the text (default: every update re-indexes the row). */
  columns?: string[];
  /** Other tables the text is read from, with their column that holds this table's id (poll_options.poll_id). */
  related?: { table: string; column: string }[];
}

/**
 * `ContentTypeDefinition.search`: one row of `table` per content of the type (`contents.ref_id` = `r.id`).
 * Who may see a result is decided by the content's container, like the stream; deleted and hidden
 * contents leave the index.
 */
export interface ContentSearch extends SearchableTable {
  /**
   * Optional: a narrower rule than the container's, for this viewer. SQL over search_documents `d` that this
   * type's rows (the content, its comments and files) must also meet, with its named replacements (prefix
   * their names with `prefix`, so they cannot clash). Called once per search with the viewer's policy;
   * documents use it for their "view" permission and folders for moderators only.
   */
  visibleTo?(policy: SearchViewer, prefix: string): Promise<{ sql: string; replacements: Record<string, unknown> }>;
  /**
   * Optional: rows of the module found on their own, with or without a content (a document in a folder, its
   * own result apart from the upload that brought it). They follow the content type's rules: its container's
   * readers, its module switch, and visibleTo (which tells them apart by `d.kind`).
   */
  items?: ItemSearch;
}

/**
 * A module's rows indexed one search document each, in a container but not tied to a stream entry
 * (`search_documents.content_id` is NULL, `content_type` is the declaring content type). Expressions over `r`.
 */
export interface ItemSearch extends SearchableTable {
  /** The search kind and results tab: [a-z0-9-], not a content type. */
  kind: string;
  /** SQL for the row's container. */
  containerType: SqlText;
  containerId: SqlText;
  /** SQL, true for rows to index (live ones); default every row. */
  where?: SqlText;
  /** SQL for the date shown and the newest-first order (default: r.created_at). */
  date?: SqlText;
  /**
   * The rows this viewer may open, with their address, checked again as results load (a row left out is not
   * shown): `contentId` links the stream entry it came with, if any and readable.
   */
  load(refIds: number[], policy: SearchViewer): Promise<Map<number, { url: string; authorId: number | null; date: Date; contentId: number | null }>>;
}

/** What visibleTo is told of the viewer: the request's ContentPolicy (named structurally, so search's types import no policy). */
export interface SearchViewer {
  readonly user: import("../models/user.ts").User | null;
  readableIds(containerType: string): Promise<Set<number> | "all">;
}

/** `ContainerTypeDefinition.search`: one row of `table` per container (`r.id` is the container id). */
export interface ContainerSearch extends SearchableTable {
  /** SQL, true when every non-guest member may learn that the container exists (an open or private group), not only its readers. */
  listed: SqlText;
  /** SQL for the date shown (default: r.created_at). */
  date?: SqlText;
}

export function sqlOf(text: SqlText, dialect: Dialect): string {
  return typeof text === "function" ? text(dialect) : text;
}
