import { QueryTypes, type Sequelize } from "sequelize";
import type { SearchTerm } from "./query.ts";
import type { VisibilityFilter } from "./visibility.ts";
import { hitColumns, hitOf, markClose, markOpen, nameCandidates, type FindRequest, type Highlight, type Hit, type NameHit, type SearchEngine } from "./engine.ts";

/** Terms as an FTS5 expression: every word quoted (no FTS5 syntax gets through), all required. */
function textMatch(terms: SearchTerm[], columns = "{title body}") {
  const parts = terms.map((term) => `"${term.words.join(" ")}"${term.isPrefix ? " *" : ""}`);
  return `${columns} : (${parts.join(" AND ")})`;
}

/** The tab's kinds are matched in the FTS index itself, so a tab never walks the other kinds' matches. */
const kindMatch = (kinds: string[]) => `kind : (${kinds.map((kind) => `"${kind}"`).join(" OR ")})`;

/**
 * SQLite FTS5 (porter + unicode61 without diacritics). The MATCH drives the query in rowid order,
 * newest first, joined by primary key to the document for the visibility filter; LIMIT stops the scan.
 * CROSS JOIN keeps that order: without statistics SQLite may otherwise walk search_documents and probe
 * the FTS index once per row, minutes on a large index. No bm25(): it counts every document holding each
 * term to weigh it, hundreds of milliseconds for a common word in millions of documents.
 */
export class SqliteEngine implements SearchEngine {
  constructor(private sequelize: Sequelize) {}

  async find(request: FindRequest): Promise<Hit[]> {
    if (request.terms.length === 0 || request.kinds.length === 0) return [];
    // Title matches come from the titles-only index: its lists hold only documents that have a title.
    const index = request.inTitle ? "search_titles" : "search_fts";
    const replacements: Record<string, unknown> = {
      ...request.filter.replacements,
      match: `${textMatch(request.terms, request.inTitle ? "title" : "{title body}")} AND ${kindMatch(request.kinds)}`,
      limit: request.limit,
    };
    const before = request.before ? `AND ${index}.rowid < :before` : "";
    if (request.before) replacements.before = request.before;
    const rows = await this.sequelize.query<Parameters<typeof hitOf>[0]>(
      `SELECT ${hitColumns} FROM ${index} CROSS JOIN search_documents d
       WHERE ${index} MATCH :match AND d.id = ${index}.rowid AND ${request.filter.sql} ${before}
       ORDER BY ${index}.rowid DESC LIMIT :limit`,
      { replacements, type: QueryTypes.SELECT },
    );
    return rows.map(hitOf);
  }

  async highlight(terms: SearchTerm[], ids: number[]): Promise<Map<number, Highlight>> {
    if (ids.length === 0 || terms.length === 0) return new Map();
    const rows = await this.sequelize.query<{ id: number; title: string | null; snippet: string | null }>(
      `SELECT rowid AS id, highlight(search_fts, 0, :open, :close) AS title, snippet(search_fts, 1, :open, :close, '…', 24) AS snippet
       FROM search_fts WHERE search_fts MATCH :match AND rowid IN (:ids)`,
      { replacements: { match: textMatch(terms), ids, open: markOpen, close: markClose }, type: QueryTypes.SELECT },
    );
    return new Map(rows.map((row) => [Number(row.id), { title: row.title, snippet: row.snippet ?? "" }]));
  }

  async names(prefixes: string[], kinds: string[], filter: VisibilityFilter, limit: number): Promise<NameHit[]> {
    if (prefixes.length === 0 || kinds.length === 0) return [];
    const rows = await this.sequelize.query<{ id: number; kind: string; ref_id: number; title: string }>(
      `SELECT * FROM (SELECT d.id, d.kind, d.ref_id, d.title FROM search_names CROSS JOIN search_documents d
         WHERE search_names MATCH :match AND d.id = search_names.rowid AND d.kind IN (:kinds) AND ${filter.sql} LIMIT :candidates) found
       ORDER BY found.title COLLATE NOCASE, found.id LIMIT :limit`,
      { replacements: { ...filter.replacements, match: prefixes.map((prefix) => `"${prefix}" *`).join(" "), kinds, limit, candidates: nameCandidates }, type: QueryTypes.SELECT },
    );
    return rows.map((row) => ({ id: Number(row.id), kind: row.kind, refId: Number(row.ref_id), title: row.title }));
  }
}
