import type { SearchTerm } from "./query.ts";
import type { VisibilityFilter } from "./visibility.ts";

/** One matching document the viewer may see. Engines return them newest first (document id descending). */
export interface Hit {
  id: number;
  kind: string;
  refId: number;
  contentId: number | null;
  commentId: number | null;
  containerType: string;
  containerId: number;
}

export interface FindRequest {
  terms: SearchTerm[];
  kinds: string[];
  filter: VisibilityFilter;
  limit: number;
  /** Keyset: only documents with a smaller id. */
  before?: number | null;
  /** Only documents whose title (a person's or group's name) matches. */
  inTitle?: boolean;
}

/** Title and snippet with matches wrapped in markOpen/markClose, raw text otherwise (escape before showing). */
export interface Highlight {
  title: string | null;
  snippet: string;
}

export interface NameHit {
  id: number;
  kind: string;
  refId: number;
  title: string;
}

/** Autocomplete sorts at most this many matches by name: one typed letter matches thousands of people. */
export const nameCandidates = 200;

// Private-use characters: they cannot come from the engines' own output, and snippets.ts turns only them into <mark>.
export const markOpen = "\uE000";
export const markClose = "\uE001";

/** The full-text engine of the database in use: FTS5 on SQLite, tsvector and GIN on PostgreSQL. */
export interface SearchEngine {
  find(request: FindRequest): Promise<Hit[]>;
  highlight(terms: SearchTerm[], ids: number[], lang: string): Promise<Map<number, Highlight>>;
  /** Autocomplete: documents whose name has a word starting with each of these prefixes, in name order. */
  names(prefixes: string[], kinds: string[], filter: VisibilityFilter, limit: number): Promise<NameHit[]>;
}

interface HitRow {
  id: number | string;
  kind: string;
  ref_id: number | string;
  content_id: number | string | null;
  comment_id: number | string | null;
  container_type: string;
  container_id: number | string;
}

export const hitColumns = "d.id, d.kind, d.ref_id, d.content_id, d.comment_id, d.container_type, d.container_id";

export function hitOf(row: HitRow): Hit {
  const optional = (value: number | string | null) => (value === null ? null : Number(value));
  return {
    id: Number(row.id),
    kind: row.kind,
    refId: Number(row.ref_id),
    contentId: optional(row.content_id),
    commentId: optional(row.comment_id),
    containerType: row.container_type,
    containerId: Number(row.container_id),
  };
}
