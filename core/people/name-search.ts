import type { Dialect } from "../db/sequelize.ts";

/** Letters and the accented forms people type them with (or forget to). */
const variants: Record<string, string> = {
  a: "aàáâãäåāăą",
  c: "cçćĉċč",
  d: "dďđ",
  e: "eèéêëēĕėęě",
  g: "gĝğġģ",
  h: "hĥħ",
  i: "iìíîïĩīĭįı",
  j: "jĵ",
  k: "kķ",
  l: "lĺļľŀł",
  n: "nñńņň",
  o: "oòóôõöøōŏő",
  r: "rŕŗř",
  s: "sśŝşšș",
  t: "tţťŧț",
  u: "uùúûüũūŭůűų",
  w: "wŵ",
  y: "yýÿŷ",
  z: "zźżž",
};

const baseOf = new Map<string, string>();
for (const [base, forms] of Object.entries(variants)) for (const form of forms + forms.toUpperCase()) baseOf.set(form, base);

/** The letter without accent and case: "É" → "e"; characters outside the table only lose their case. */
export function foldCharacter(char: string): string {
  return baseOf.get(char) ?? char.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** A search text without accents and case, e.g. to compare with ASCII usernames. */
export function foldText(text: string): string {
  return [...text.normalize("NFC")].map(foldCharacter).join("");
}

/** Characters that may stand for themselves inside a bracket class on both databases (no ] ^ - \ [ ). */
const literal = /^[\p{L}\p{N} .'_@]$/u;

/** Every spelling of one typed character, as the set of characters a bracket class accepts. */
function classOf(char: string): string | null {
  if (!literal.test(char)) return null;
  const folded = foldCharacter(char);
  const forms = variants[folded] ?? `${folded}${char}`;
  return [...new Set([...forms, ...forms.toUpperCase(), char, char.toLowerCase(), char.toUpperCase()])].join("");
}

/**
 * A "contains" pattern that ignores case and accents on both databases, without extensions or extra
 * columns: each typed letter becomes a class of its spellings ("elo" → [eèé…EÈÉ…][lĺ…][oò…]).
 * SQLite matches it with GLOB, PostgreSQL with ~; anything but letters, digits and a few signs matches
 * any one character. It scans rather than seeks, which a directory of thousands of people affords.
 */
export function containsPattern(dialect: Dialect, text: string): { operator: string; pattern: string } {
  const classes = [...text.normalize("NFC")].map((char) => {
    const set = classOf(char);
    if (set === null) return dialect === "postgres" ? "." : "?";
    return `[${set}]`;
  });
  return dialect === "postgres" ? { operator: "~", pattern: classes.join("") } : { operator: "GLOB", pattern: `*${classes.join("")}*` };
}
