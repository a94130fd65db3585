import type { SearchEngine, Hit } from "./engine.ts";
import type { SearchTerm } from "./query.ts";
import type { SearchKind } from "./sources.ts";
import type { VisibilityFilter } from "./visibility.ts";

export const pageSize = 20;
/** Matches counted (beyond: "more than"), and the newest matches relevance ranks after the title matches: all it can show. */
export const maxPages = 10;
export const candidateLimit = pageSize * maxPages;
/** People and groups shown above the "All" results. */
export const stripSize = 3;

export type SearchOrder = "relevance" | "newest";

export interface SearchRequest {
  terms: SearchTerm[];
  /** "all" or one kind (a tab). */
  type: string;
  order: SearchOrder;
  /** Relevance: 1..maxPages. */
  page: number;
  /** Newest: keyset, a document id. */
  before: number | null;
}

export interface SearchOutcome {
  hits: Hit[];
  /** Matches the viewer may see, counted up to candidateLimit. */
  total: number;
  isTotalCapped: boolean;
  nextPage: number | null;
  nextBefore: number | null;
  /** "All" tab, first page: the best few people and containers, apart from the list. */
  strips: { kind: SearchKind; hits: Hit[]; hasMore: boolean }[];
}

/** Title (or name) matches first, then the rest, each newest first: cheap on millions of documents, and easy to explain. */
function titleFirst(titled: Hit[], window: Hit[]): Hit[] {
  const seen = new Set(titled.map((hit) => hit.id));
  return [...titled, ...window.filter((hit) => !seen.has(hit.id))];
}

/**
 * One results page. The visibility filter is part of every engine query, so what is counted and paged
 * is only what the viewer may see. Relevance: documents whose title matches, then the others, newest
 * first in each, at most maxPages pages; the count covers the newest candidateLimit matches. Newest:
 * keyset on the document id, no page limit.
 */
export async function runSearch(engine: SearchEngine, kinds: SearchKind[], filter: VisibilityFilter, request: SearchRequest): Promise<SearchOutcome> {
  const listed = request.type === "all" ? kinds.filter((kind) => kind.family === "content" || kind.family === "item") : kinds.filter((kind) => kind.kind === request.type);
  const find = (limit: number, options: { before?: number | null; inTitle?: boolean } = {}) =>
    engine.find({ terms: request.terms, kinds: listed.map((kind) => kind.kind), filter, limit, ...options });

  const outcome: SearchOutcome = { hits: [], total: 0, isTotalCapped: false, nextPage: null, nextBefore: null, strips: [] };
  const counted = await find(candidateLimit + 1);
  outcome.isTotalCapped = counted.length > candidateLimit;
  outcome.total = Math.min(counted.length, candidateLimit);
  if (request.order === "relevance") {
    const shown = Math.min(outcome.total, pageSize * maxPages);
    const titled = outcome.total ? await find(shown, { inTitle: true }) : [];
    const ranked = titleFirst(titled, counted).slice(0, shown);
    outcome.hits = ranked.slice((request.page - 1) * pageSize, request.page * pageSize);
    if (request.page * pageSize < shown) outcome.nextPage = request.page + 1;
  } else {
    const page = request.before ? await find(pageSize + 1, { before: request.before }) : counted.slice(0, pageSize + 1);
    outcome.hits = page.slice(0, pageSize);
    if (page.length > pageSize) outcome.nextBefore = outcome.hits.at(-1)!.id;
  }

  const isFirstPage = request.order === "relevance" ? request.page === 1 : !request.before;
  if (request.type === "all" && isFirstPage) {
    for (const kind of kinds.filter((candidate) => candidate.family === "person" || candidate.family === "container")) {
      const strip = (limit: number, inTitle: boolean) => engine.find({ terms: request.terms, kinds: [kind.kind], filter, limit, inTitle });
      const hits = titleFirst(await strip(stripSize, true), await strip(stripSize + 1, false));
      if (hits.length) outcome.strips.push({ kind, hits: hits.slice(0, stripSize), hasMore: hits.length > stripSize });
    }
  }
  return outcome;
}
