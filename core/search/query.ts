/** Longest search text accepted; the top search box has the same maxlength. */
export const maxQueryLength = 200;
/** Words and phrases kept from one search; the rest is ignored. */
export const maxTerms = 8;

/** One word, a word prefix ("elo*"), or a quoted phrase (several words in a row). */
export interface SearchTerm {
  words: string[];
  isPrefix: boolean;
}

// Letters, digits and combining marks make words, as both engines' tokenizers see them.
const word = /[\p{L}\p{N}\p{M}]+/gu;
const token = /"([^"]*)"?|([\p{L}\p{N}\p{M}]+)(\*?)/gu;

/**
 * What the user typed, as engine-neutral terms: everything but words is dropped, so no search syntax of
 * either engine can be injected. Lower-cased; accents are left for the engines to fold.
 */
export function parseQuery(text: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const seen = new Set<string>();
  for (const match of text.normalize("NFC").toLowerCase().matchAll(token)) {
    const words = match[1] !== undefined ? (match[1].match(word) ?? []) : [match[2]];
    if (words.length === 0) continue;
    const term = { words, isPrefix: match[1] === undefined && match[3] === "*" };
    const key = `${words.join(" ")}${term.isPrefix ? "*" : ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    terms.push(term);
    if (terms.length === maxTerms) break;
  }
  return terms;
}

/** The words of a prefix search (autocomplete): each one a prefix, all required. */
export function prefixWords(text: string): string[] {
  return [...new Set(text.normalize("NFC").toLowerCase().match(word) ?? [])].slice(0, 4);
}
