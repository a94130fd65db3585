import { parseFilter } from "./filter-parser.ts";

/**
 * RFC 4515 §3: in an assertion value, `*`, `(`, `)`, `\` and NUL must be written as \2a, \28, \29, \5c
 * and \00. Anything a person types goes through here before it meets a filter, so "*" or ")(uid=*"
 * match themselves and cannot widen the search.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\u0000]/g, (character) => `\\${character.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

export const usernamePlaceholder = "{{username}}";

/** The configured user filter with the escaped login in place of every {{username}}. */
export function userFilterFor(template: string, username: string): string {
  const escaped = escapeFilterValue(username);
  return template.split(usernamePlaceholder).join(escaped);
}

/** The same filter matching every user: the placeholder becomes a presence wildcard (sync, test connection). */
export function everyUserFilter(template: string): string {
  return template.split(usernamePlaceholder).join("*");
}

/** Wraps a bare "attr=value" in parentheses, as admins often forget them. */
export function parenthesized(filter: string): string {
  const trimmed = filter.trim();
  return trimmed.startsWith("(") ? trimmed : `(${trimmed})`;
}

/** (&a b ...) of the non-empty filters given. */
export function allOf(...filters: string[]): string {
  const present = filters.filter((filter) => filter.trim() !== "").map(parenthesized);
  return present.length === 1 ? present[0] : `(&${present.join("")})`;
}

/** Checked before a filter is stored: wrapped in parentheses, and read by the same parser that sends it (filter-parser.ts). */
export function isWellFormedFilter(filter: string): boolean {
  const trimmed = filter.trim();
  if (!trimmed.startsWith("(") || !trimmed.endsWith(")")) return false;
  try {
    parseFilter(trimmed);
    return true;
  } catch {
    return false;
  }
}
