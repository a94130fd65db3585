import type { Client } from "../helpers/client.ts";

/** Writes a comment (or a reply) through the real form and returns its id, read from the redirect's #comment-N. */
export async function comment(client: Client, contentId: number, body: string, parentId?: number): Promise<number> {
  const response = await client.post(`/c/${contentId}/comments`, { body, ...(parentId ? { parentId: String(parentId) } : {}) });
  const match = /#comment-(\d+)$/.exec(response.location);
  if (response.status !== 302 || !match) throw new Error(`comment refused: ${response.status} ${response.location} ${response.text.slice(0, 300)}`);
  return Number(match[1]);
}

/** The HTML of one entry of a page (its <article id="content-N"> up to the next entry, or the end of the page's main part). */
export function entryHtml(page: string, contentId: number): string {
  const start = page.indexOf(`id="content-${contentId}"`);
  if (start < 0) return "";
  const ends = [page.indexOf('<article class="entry', start + 1), page.indexOf("</main>", start)].filter((index) => index >= 0);
  return page.slice(start, ends.length > 0 ? Math.min(...ends) : undefined);
}
