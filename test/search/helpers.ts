import path from "node:path";
import { fixtureModules, startApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";

/** Test modules of this folder: fixture-clubs (a searchable container type and content type). */
export const searchFixtures = path.resolve(import.meta.dirname, "fixtures/modules");

/** A test app with the search fixtures next to the shared ones. */
export function startSearchApp(env: Record<string, string> = {}) {
  return startApp({ AGORA_MODULE_PATHS: ["modules", fixtureModules, searchFixtures].join(path.delimiter), ...env });
}

/** The <main> of a results page (the top bar echoes nothing, but keep assertions to the page body). */
export function mainOf(html: string) {
  const start = html.indexOf("<main");
  return start < 0 ? html : html.slice(start, html.indexOf("</main>", start));
}

/** GET /search with these parameters; `main` is the page body. */
export async function search(client: Client, q: string, params: Record<string, string> = {}) {
  const response = await client.get(`/search?${new URLSearchParams({ q, ...params })}`);
  return { ...response, main: mainOf(response.text) };
}

/** Links to contents (/c/N) in the results, in order, without repeats. */
export function contentLinks(main: string): number[] {
  return [...new Set([...main.matchAll(/href="\/c\/(\d+)(?:#[^"]*)?"/g)].map((match) => Number(match[1])))];
}

/** The "N results" line, as a number (null when absent, Infinity for "more than"). */
export function countOf(main: string): number | null {
  const line = /role="status">\s*([^<]*)/.exec(main.slice(main.indexOf("search-summary")))?.[1] ?? "";
  if (/More than/.test(line)) return Number.POSITIVE_INFINITY;
  const match = /(\d[\d,]*) results?/.exec(line);
  return match ? Number(match[1].replace(/,/g, "")) : null;
}

/** GET /search/suggest as JSON. */
export async function suggestions(client: Client, q: string) {
  const response = await client.get(`/search/suggest?${new URLSearchParams({ q })}`, { accept: "application/json" });
  return { status: response.status, body: response.status === 200 ? JSON.parse(response.text) : null };
}
