import { QueryTypes } from "sequelize";
import type nunjucks from "nunjucks";
import { Content } from "../models/content.ts";
import type { AppContext } from "../http/context.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { Container } from "../modules/types.ts";
import type { EntryCacheSlot, EntryHtmlCache } from "../views/entry-cache.ts";
import { PageBytes } from "../views/page-bytes.ts";
import { renderEpochSql } from "../db/render-versions.ts";
import { loadEntries, type StreamEntry } from "./entries.ts";
import { policyOf } from "./request.ts";

/** An entry as a stream page shows it: loaded (and stored once rendered, if it has a slot), or a marker for its cached bytes. */
export type ShownEntry = (StreamEntry & { cacheSlot?: EntryCacheSlot; html?: undefined }) | { content: Content; html: nunjucks.runtime.SafeString };

/** The entry cache of the app using this registry (set in createApp). */
const caches = new WeakMap<ModuleRegistry, EntryHtmlCache>();

export function bindEntryCache(registry: ModuleRegistry, cache: EntryHtmlCache) {
  caches.set(registry, cache);
}

/**
 * The database's render epoch: moves on any change that can alter any entry (core/db/render-versions.ts).
 * Read with the session when there is one: it must be read before the contents it stands for.
 */
async function renderEpoch(ctx: AppContext): Promise<string> {
  if (ctx.state.renderEpoch !== undefined) return ctx.state.renderEpoch;
  const [row] = await Content.sequelize!.query<{ value: number | string }>(`SELECT ${renderEpochSql} AS value`, { type: QueryTypes.SELECT });
  return String(row?.value ?? 0);
}

/**
 * Loads the entries of a stream page, like loadEntries, but an entry of a cacheable type whose HTML this
 * reader saw unchanged is not loaded again: the page prints the stored HTML. The key holds all an
 * entry's HTML depends on: the reader (their rights, their own reactions), language, the page (links back
 * to it, the container it is on), the content's render version and the database's render epoch.
 * Contents given a variant are cached under it too: the page renders them with parts of its own that
 * depend on it (an announcement's answer form, core/templates/announcements/list.njk).
 * Modules' decorations are read for the whole page first (one call per decorator, cached entries included)
 * and are part of the key: a badge that comes or goes renders its entry again on the next load.
 */
export function entryLoader(ctx: AppContext, registry: ModuleRegistry, pageContainer?: Container | null) {
  const policy = policyOf(ctx, registry);
  const cache = caches.get(registry);
  const { user, lang, csrfToken } = ctx.state;
  return async (contents: Content[], variants: ReadonlyMap<number, string> = new Map()): Promise<ShownEntry[]> => {
    const cacheable = (content: Content) => registry.contentType(content.type)?.cacheable === true;
    if (!cache?.enabled || !user || !contents.some(cacheable)) return loadEntries(registry, policy, contents);
    const page = `${pageContainer ? `${pageContainer.type}:${pageContainer.id}` : ""}|${ctx.path}`;
    const scope = `${user.id}|${lang}|${page}|${await renderEpoch(ctx)}`;
    const decorations = await registry.entryDecorations(contents.filter((content) => registry.contentType(content.type)), user);
    const slots = new Map<number, EntryCacheSlot>();
    const cached = new Map<number, nunjucks.runtime.SafeString>();
    for (const content of contents.filter(cacheable)) {
      const badges = decorations.get(content.id);
      const variant = variants.get(content.id);
      const slot = { key: `${scope}|${content.id}|${content.renderVersion}${badges?.length ? `|${JSON.stringify(badges)}` : ""}${variant ? `|${variant}` : ""}`, token: csrfToken };
      const bytes = cache.get(slot);
      if (bytes) cached.set(content.id, (ctx.state.pageBytes ??= new PageBytes()).place(bytes));
      else slots.set(content.id, slot);
    }
    const loaded = new Map((await loadEntries(registry, policy, contents.filter((content) => !cached.has(content.id)), { decorations })).map((entry) => [entry.content.id, entry]));
    return contents.flatMap((content): ShownEntry[] => {
      const html = cached.get(content.id);
      if (html) return [{ content, html }];
      const entry = loaded.get(content.id);
      return entry ? [{ ...entry, cacheSlot: slots.get(content.id) }] : [];
    });
  };
}
