import { foldText } from "../people/name-search.ts";
import { markClose, markOpen } from "./engine.ts";

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => entities[char]);

/**
 * Engine output (indexed text with match markers) as safe HTML: everything is escaped, then only the
 * markers become <mark>, always balanced, so stray marker characters typed by someone cannot break the markup.
 */
export function markedHtml(text: string | null | undefined): string {
  if (!text) return "";
  let html = "";
  let isOpen = false;
  for (const part of text.split(new RegExp(`([${markOpen}${markClose}])`, "u"))) {
    if (part === markOpen) {
      if (!isOpen) html += "<mark>";
      isOpen = true;
    } else if (part === markClose) {
      if (isOpen) html += "</mark>";
      isOpen = false;
    } else html += escapeHtml(part);
  }
  return isOpen ? `${html}</mark>` : html;
}

/**
 * The index holds posts and comments as their authors typed them, in Markdown: a snippet cut from that
 * text shows its syntax as it is read, plain (`**Q4** [agenda](https://…)` → `Q4 agenda`). Works on
 * engine output, match markers included, and on fragments cut mid-syntax.
 */
export function stripMarkdown(text: string | null | undefined): string {
  if (!text) return "";
  return text
    .replace(/!?\[([^\]]*)\]\([^)\s]*\)?/gu, "$1") // [text](url) and ![alt](src), even cut before ")"
    .replace(/\]\([^)\s]*\)?/gu, "") // the end of a link whose "[" the fragment cut off
    .replace(/<((?:https?|mailto):[^>\s]+)>/gu, "$1")
    .replace(/^[ \t]{0,3}(?:#{1,6}|>+|[-*+]|\d{1,9}[.)])[ \t]+/gmu, "") // headings, quotes, list bullets
    .replace(/^[ \t]*(?:[-*_][ \t]*){3,}$/gmu, "") // horizontal rules
    .replace(/(\*\*|__|~~)/gu, "")
    .replace(/(^|[^\p{L}\p{N}])[*_](?=\S)/gu, "$1") // an emphasis opening...
    .replace(/(?<=\S)[*_](?=$|[^\p{L}\p{N}])/gu, "") // ...and closing
    .replace(/`+/gu, "")
    .replace(/\s+/gu, " ")
    .trim();
}

/** Whether the engine marked anything in this text. */
export const hasMatch = (text: string | null | undefined) => Boolean(text?.includes(markOpen));

/** Plain text without markers, escaped (for a title with no match). */
export const plainHtml = (text: string | null | undefined) => markedHtml(text?.replace(new RegExp(`[${markOpen}${markClose}]`, "gu"), ""));

/**
 * Marks the words of a short text (a file name) that start with a searched word, accents and case
 * ignored: PostgreSQL reads "Rapport_2026.pdf" as one token, so its headline cannot mark "rapport" there.
 */
export function markWords(text: string, words: string[]): string {
  const wanted = words.map((word) => foldText(word)).filter(Boolean);
  return text
    .split(/([\p{L}\p{N}\p{M}]+)/u)
    .map((part) => (wanted.some((word) => foldText(part).startsWith(word)) ? `${markOpen}${part}${markClose}` : part))
    .join("");
}
