import { QueryTypes, type Sequelize } from "sequelize";
import type { SearchTerm } from "./query.ts";
import type { VisibilityFilter } from "./visibility.ts";
import { hitColumns, hitOf, markClose, markOpen, nameCandidates, type FindRequest, type Highlight, type Hit, type NameHit, type SearchEngine } from "./engine.ts";

/** Every word is looked up as written (accents folded) and as its English and French stems. */
const allConfigurations = ["agora_simple", "agora_english", "agora_french"];
const headlineConfiguration = (lang: string) => (lang === "fr" ? "agora_french" : "agora_english");

/** SQL building a tsquery from the terms, the words passed as replacements (never spliced into the SQL). */
function tsquerySql(terms: SearchTerm[], configurations: string[], replacements: Record<string, unknown>) {
  return terms
    .map((term, index) => {
      const name = `term${index}`;
      if (term.isPrefix) {
        replacements[name] = `${term.words[0]}:*`;
        return `to_tsquery('agora_simple', :${name})`;
      }
      replacements[name] = term.words.join(" ");
      const each = term.words.length > 1 ? "phraseto_tsquery" : "to_tsquery";
      return `(${configurations.map((configuration) => `${each}('${configuration}', :${name})`).join(" || ")})`;
    })
    .join(" && ");
}

const options = (extra: string) => `${extra}, StartSel=${markOpen}, StopSel=${markClose}`;
const titleOptions = options("HighlightAll=true");
const snippetOptions = options('MaxFragments=2, MaxWords=24, MinWords=8, ShortWord=2, FragmentDelimiter=" … "');

/** At most this many estimated candidates are read through the GIN index (random heap reads, then a sort). */
const bitmapLimit = 10_000;
/**
 * Beyond this many documents read in id order without finding enough, the rest is read through the GIN
 * index: matches that sparse are few (under 1 in 200 documents), unless the estimate was wrong, as for a
 * word that never occurs in one kind (a post-only word in the comments tab) and the GIN index says so at once.
 */
const windowScanLimit = 40_000;
/** Compiled tsqueries are pure functions of the words: kept, so a page's several queries compile once. */
const compiled = new Map<string, string>();

/**
 * PostgreSQL full-text search (GIN over tsv, or title_tsv for title matches). "The newest N matches the
 * viewer may see" is planned here rather than left to the planner's LIMIT guess, which walks the primary
 * key backwards hoping to meet matches soon and reads the whole table when they are rare under the
 * filters (seconds):
 *  - the planner estimates how many documents hold all the words (EXPLAIN; phrases counted as their
 *    words, which is what the GIN index returns and the heap must recheck);
 *  - few: all of them through the GIN index, then the newest N (ORDER BY id + 0 forbids the walk);
 *  - many: the newest documents, in id ranges (recent pages, read in order) sized to hold about twice N
 *    matches, doubling until N are found; past windowScanLimit, the rest through the GIN index.
 */
export class PostgresEngine implements SearchEngine {
  constructor(
    private sequelize: Sequelize,
    private limits = { bitmap: bitmapLimit, windowScan: windowScanLimit, minWindow: 10_000 },
  ) {}

  private async compile(terms: SearchTerm[], configurations: string[]): Promise<string> {
    const key = JSON.stringify([terms, configurations]);
    const known = compiled.get(key);
    if (known !== undefined) return known;
    const replacements: Record<string, unknown> = {};
    const sql = tsquerySql(terms, configurations, replacements);
    const [row] = await this.sequelize.query<{ query: string }>(`SELECT CAST(${sql} AS text) AS query`, { replacements, type: QueryTypes.SELECT });
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(key, row?.query ?? "");
    return row?.query ?? "";
  }

  private async rows(where: string, order: string, replacements: Record<string, unknown>, limit: number): Promise<Hit[]> {
    const rows = await this.sequelize.query<Parameters<typeof hitOf>[0]>(`SELECT ${hitColumns} FROM search_documents d WHERE ${where} ORDER BY ${order} DESC LIMIT :limit`, {
      replacements: { ...replacements, limit },
      type: QueryTypes.SELECT,
    });
    return rows.map(hitOf);
  }

  async find(request: FindRequest): Promise<Hit[]> {
    if (request.terms.length === 0 || request.kinds.length === 0) return [];
    const text = await this.compile(request.terms, allConfigurations);
    if (!text) return [];
    const kinds = request.kinds.map((kind) => `'~${kind}'`).join(" | ");
    const column = request.inTitle ? "d.title_tsv" : "d.tsv";
    const query = `(${text}) & (${kinds})`;
    const replacements: Record<string, unknown> = { ...request.filter.replacements, query, words: query.replace(/<(?:-|\d+)>/g, "&"), before: request.before ?? 2_147_483_647 };
    const where = `${column} @@ CAST(:query AS tsquery) AND ${request.filter.sql} AND d.id < :before`;
    const [plan] = await this.sequelize.query<{ "QUERY PLAN": { Plan: { "Plan Rows": number } }[] }>(
      `EXPLAIN (FORMAT JSON) SELECT 1 FROM search_documents d WHERE ${column} @@ CAST(:words AS tsquery) AND ${request.filter.sql} AND d.id < :before`,
      { replacements, type: QueryTypes.SELECT },
    );
    const estimate = Math.max(1, plan["QUERY PLAN"][0].Plan["Plan Rows"]);
    if (estimate <= this.limits.bitmap) return this.rows(where, "d.id + 0", replacements, request.limit);

    const [{ newest }] = await this.sequelize.query<{ newest: number | null }>("SELECT MAX(id) AS newest FROM search_documents WHERE id < :before", {
      replacements,
      type: QueryTypes.SELECT,
    });
    let top = Number(newest ?? 0);
    let window = Math.max(this.limits.minWindow, Math.ceil((2 * request.limit * top) / estimate));
    let scanned = 0;
    const found: Hit[] = [];
    while (top > 0 && found.length < request.limit) {
      const floor = Math.max(0, top - window);
      if (scanned >= this.limits.windowScan) {
        found.push(...(await this.rows(`${where} AND d.id <= :top`, "d.id + 0", { ...replacements, top }, request.limit - found.length)));
        break;
      }
      found.push(...(await this.rows(`${where} AND d.id > :floor AND d.id <= :top`, "d.id", { ...replacements, floor, top }, request.limit - found.length)));
      scanned += top - floor;
      top = floor;
      window *= 2;
    }
    return found;
  }

  async highlight(terms: SearchTerm[], ids: number[], lang: string): Promise<Map<number, Highlight>> {
    if (ids.length === 0 || terms.length === 0) return new Map();
    const configuration = headlineConfiguration(lang);
    // The headline parses the text with one configuration, so its query must use that one only.
    const query = await this.compile(terms, [configuration]);
    const rows = await this.sequelize.query<{ id: number; title: string | null; snippet: string | null }>(
      `SELECT id, CASE WHEN title IS NULL THEN NULL ELSE ts_headline(CAST(:configuration AS regconfig), title, CAST(:query AS tsquery), :titleOptions) END AS title,
         ts_headline(CAST(:configuration AS regconfig), body, CAST(:query AS tsquery), :snippetOptions) AS snippet
       FROM search_documents WHERE id IN (:ids)`,
      { replacements: { ids, configuration, query, titleOptions, snippetOptions }, type: QueryTypes.SELECT },
    );
    return new Map(rows.map((row) => [Number(row.id), { title: row.title, snippet: row.snippet ?? "" }]));
  }

  async names(prefixes: string[], kinds: string[], filter: VisibilityFilter, limit: number): Promise<NameHit[]> {
    if (prefixes.length === 0 || kinds.length === 0) return [];
    const rows = await this.sequelize.query<{ id: number; kind: string; ref_id: number; title: string }>(
      `SELECT * FROM (SELECT d.id, d.kind, d.ref_id, d.title FROM search_documents d
         WHERE d.name_tsv IS NOT NULL AND d.name_tsv @@ to_tsquery('agora_simple', :prefixes) AND d.kind IN (:kinds) AND ${filter.sql} LIMIT :candidates) found
       ORDER BY lower(found.title), found.id LIMIT :limit`,
      { replacements: { ...filter.replacements, prefixes: prefixes.map((prefix) => `${prefix}:*`).join(" & "), kinds, limit, candidates: nameCandidates }, type: QueryTypes.SELECT },
    );
    return rows.map((row) => ({ id: Number(row.id), kind: row.kind, refId: Number(row.ref_id), title: row.title }));
  }
}
