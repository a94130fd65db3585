import Router from "@koa/router";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { requireUser } from "../auth/current-user.ts";
import { badRequest } from "../http/errors.ts";
import { policyOf, queryValue } from "../content/request.ts";
import { enabledFields } from "../people/profile-fields.ts";
import { searchEngine } from "../search/engines.ts";
import { maxQueryLength, parseQuery } from "../search/query.ts";
import { describeHits } from "../search/results.ts";
import { maxPages, pageSize, runSearch, type SearchOrder, type SearchOutcome } from "../search/search.ts";
import { searchKinds } from "../search/sources.ts";
import { suggest } from "../search/suggest.ts";
import { visibilityFilter } from "../search/visibility.ts";

const orders: readonly SearchOrder[] = ["relevance", "newest"];
const maxSuggestLength = 64;

/** The search text, control characters as spaces; null when longer than maxLength characters. */
function searchText(ctx: AppContext, maxLength: number): string | null {
  const raw = queryValue(ctx, "q") ?? "";
  if ([...raw].length > maxLength) return null;
  return raw.replace(/\p{Cc}/gu, " ").trim();
}

function integerParam(ctx: AppContext, name: string, max: number): number | null {
  const value = queryValue(ctx, name);
  if (value === undefined) return null;
  if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > max) throw badRequest("search:errors.page");
  return Number(value);
}

/** GET /search: the results page (tabs per kind, two orders); GET /search/suggest: the top box's autocomplete as JSON. */
export function searchRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  const engine = searchEngine(services.sequelize);

  router.get("/search", requireUser, async (ctx) => {
    const text = searchText(ctx, maxQueryLength);
    if (text === null) {
      // The search page again, with the box to shorten the text and why; nothing is searched.
      ctx.status = 400;
      const raw = queryValue(ctx, "q") ?? "";
      await ctx.render("search/results.njk", { title: ctx.state.t("search:title"), query: [...raw].slice(0, maxQueryLength).join(""), error: "search:errors.tooLong", type: "all", order: "relevance" });
      return;
    }
    const kinds = searchKinds(services.registry);
    const type = queryValue(ctx, "type", ["all", ...kinds.map((kind) => kind.kind)]) ?? "all";
    const order = (queryValue(ctx, "sort", orders) ?? "relevance") as SearchOrder;
    const page = integerParam(ctx, "page", maxPages) ?? 1;
    const before = integerParam(ctx, "before", 2_147_483_647);
    const terms = parseQuery(text);
    const policy = policyOf(ctx, services.registry);

    let outcome: SearchOutcome | null = null;
    let results: Awaited<ReturnType<typeof describeHits>> = [];
    const strips: { kind: (typeof kinds)[number]; results: typeof results; hasMore: boolean }[] = [];
    if (terms.length > 0) {
      const filter = await visibilityFilter(services.registry, policy);
      outcome = await runSearch(engine, kinds, filter, { terms, type, order, page: order === "relevance" ? page : 1, before: order === "newest" ? before : null });
      const all = [...outcome.hits, ...outcome.strips.flatMap((strip) => strip.hits)];
      const highlights = await engine.highlight(terms, all.map((hit) => hit.id), ctx.state.lang);
      const context = { sequelize: services.sequelize, registry: services.registry, policy, fields: await enabledFields(services.settings), kinds, words: terms.flatMap((term) => term.words) };
      results = await describeHits(context, outcome.hits, highlights);
      for (const strip of outcome.strips) strips.push({ kind: strip.kind, results: await describeHits(context, strip.hits, highlights), hasMore: strip.hasMore });
    }

    const link = (changes: Record<string, string | null>) => {
      const params = new URLSearchParams({ q: text, ...(type !== "all" ? { type } : {}), ...(order !== "relevance" ? { sort: order } : {}) });
      for (const [name, value] of Object.entries(changes)) value === null ? params.delete(name) : params.set(name, value);
      return `/search?${params}`;
    };
    await ctx.render("search/results.njk", {
      title: text ? `${ctx.state.t("search:title")}: ${text}` : ctx.state.t("search:title"),
      query: text,
      hasWords: terms.length > 0,
      type,
      order,
      tabs: [{ kind: "all", label: "search:tabs.all" }, ...kinds].map((tab) => ({ ...tab, url: link({ type: tab.kind === "all" ? null : tab.kind }) })),
      orders: orders.map((value) => ({ value, url: link({ sort: value === "relevance" ? null : value }) })),
      outcome,
      results,
      strips: strips.filter((strip) => strip.results.length > 0).map((strip) => ({ ...strip, url: link({ type: strip.kind.kind }) })),
      nextUrl: outcome?.nextPage ? link({ page: String(outcome.nextPage) }) : outcome?.nextBefore ? link({ before: String(outcome.nextBefore) }) : null,
      previousUrl: order === "relevance" && page > 1 ? link({ page: page > 2 ? String(page - 1) : null }) : null,
      firstUrl: order === "newest" && before ? link({}) : null,
      isLastAllowedPage: order === "relevance" && page === maxPages && Boolean(outcome?.isTotalCapped),
      shownLimit: pageSize * maxPages,
    });
  });

  router.get("/search/suggest", requireUser, async (ctx) => {
    const text = searchText(ctx, maxSuggestLength);
    if (text === null) throw badRequest("search:errors.tooLong");
    ctx.set("Cache-Control", "private, no-store");
    // The labels let search.js stay free of text: the box speaks the reader's language.
    const t = ctx.state.t;
    const labels = { people: t("search:suggest.people"), containers: t("search:suggest.containers"), all: t("search:suggest.all") };
    if (!text) {
      ctx.body = { people: [], containers: [], labels };
      return;
    }
    const kinds = searchKinds(services.registry);
    const filter = await visibilityFilter(services.registry, policyOf(ctx, services.registry));
    const found = await suggest({ sequelize: services.sequelize, registry: services.registry, engine, fields: await enabledFields(services.settings) }, kinds, filter, text);
    ctx.body = { ...found, labels };
  });

  return router;
}
