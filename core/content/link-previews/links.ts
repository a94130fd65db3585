import { createHash } from "node:crypto";

/**
 * The link a content's card previews: the first line that holds nothing but an http(s) URL (bare or in
 * angle brackets), outside fenced code. A link inside a sentence stays a plain link, as in chat tools.
 */
export function linkAloneOnLine(markdown: string | null | undefined): string | null {
  if (!markdown) return null;
  let fence: string | null = null;
  for (const line of markdown.split(/\r?\n/)) {
    const trimmed = line.trim();
    const opening = /^(`{3,}|~{3,})/.exec(trimmed)?.[1];
    if (opening) {
      if (fence === null) fence = opening[0];
      else if (opening[0] === fence) fence = null;
      continue;
    }
    if (fence !== null || line.startsWith("    ")) continue;
    const url = /^<?(https?:\/\/[^\s<>]+)>?$/i.exec(trimmed)?.[1];
    if (url && url.length <= 2000) {
      try {
        return new URL(url).href;
      } catch {
        // Not a URL after all: look further.
      }
    }
  }
  return null;
}

export const urlHashOf = (url: string) => createHash("sha256").update(url).digest("hex");
