import Router from "@koa/router";
import type { AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { requireUser } from "../auth/current-user.ts";
import { User } from "../models/user.ts";
import type { Topic } from "../models/topic.ts";
import { pickerComposer } from "../content/composer.ts";
import type { ComposerView } from "../modules/types.ts";
import { dashboardKeys, authoredBy, mentioning, taggedWith } from "../content/dashboard.ts";
import { countNewer, decodeCursor, encodeCursor, readablePage, streamPage, type StreamPage } from "../content/stream.ts";
import { policyOf, queryValue } from "../content/request.ts";
import { companyStreamKey, entriesWithAnnouncements } from "../content/announcements/running.ts";
import { readableTopic } from "../content/topics.ts";
import { entryLoader } from "../content/cached-entries.ts";
import { closeFirstDay, firstDayOf } from "../people/first-day.ts";
import { flash } from "../views/render.ts";

export const dashboardFilters = ["all", "posts", "mine", "mentions"] as const;
export const pageSize = 20;

/** The dashboard: announcements, a composer, then everything the user follows, newest activity first, with filters. */
export function homeRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  router.get("/", requireUser, async (ctx) => {
    const user = ctx.state.user!;
    const policy = policyOf(ctx, services.registry);
    const filter = queryValue(ctx, "filter", dashboardFilters) ?? "all";
    const topicParam = queryValue(ctx, "topic");
    const before = decodeCursor(ctx.query.before);
    const keys = await dashboardKeys(services.registry, user);
    const keep = (contents: Parameters<typeof policy.filterReadable>[0]) => policy.filterReadable(contents);

    let page: StreamPage;
    let topic: Topic | null = null;
    if (topicParam) {
      // A topic used only where the reader cannot read shows as unknown, like one nobody used.
      topic = await readableTopic(services.registry, policy, topicParam.slice(0, 64));
      page = topic ? await readablePage(taggedWith(services.sequelize, topic.id), keep, before, pageSize) : { contents: [], next: null };
    } else if (filter === "mine") page = await readablePage(authoredBy(services.sequelize, user.id), keep, before, pageSize);
    else if (filter === "mentions") page = await readablePage(mentioning(services.sequelize, user.id), keep, before, pageSize);
    else page = await streamPage(services.sequelize, { streamKeys: keys, before, limit: pageSize, type: filter === "posts" ? "post" : undefined });

    const isPartial = ctx.query.partial === "1";
    const load = entryLoader(ctx, services.registry);
    const { entries, announcements } = await entriesWithAnnouncements(policy, page.contents, isPartial ? null : companyStreamKey, load);
    const query = new URLSearchParams({ ...(filter !== "all" ? { filter } : {}), ...(topicParam ? { topic: topicParam } : {}) });
    const nextUrl = page.next ? `/?${new URLSearchParams([...query, ["before", encodeCursor(page.next)]])}` : null;
    if (isPartial) {
      await ctx.render("stream/page.njk", { entries, nextUrl });
      return;
    }

    // "N new posts since your last visit": counted on the first page, then the visit is remembered. With
    // nothing new, the remembered time is as good as now (no post in between): no write on a plain reload.
    let newCount = 0;
    if (!before) {
      const since = user.streamSeenAt ?? user.createdAt;
      // The page is these streams' newest activity first: when its top entry is no newer than the visit,
      // nothing in them is, and the count is 0 without a query (every plain reload).
      const pageHasTheNewest = !topicParam && (filter === "all" || filter === "posts");
      const newest = page.contents[0]?.sortAt;
      newCount = pageHasTheNewest && (!newest || newest <= since) ? 0 : await countNewer(services.sequelize, keys, since, user);
      if (newCount > 0 || !user.streamSeenAt) await User.update({ streamSeenAt: new Date() }, { where: { id: user.id } });
    }
    // "Post to": the company stream, the writer's profile and their groups; ?kind= opens a module's kind without JavaScript.
    // Remembered per reader while their memberships and the render epoch stay put (core/content/composer.ts).
    const memo = {
      renderEpoch: ctx.state.renderEpoch,
      lang: ctx.state.lang,
      renderOptions: (view: ComposerView) => services.templates.render("stream/composer-targets.njk", { composer: view, activeKind: view.kind, values: {} }),
      // Nothing typed on the dashboard: the whole composer is the same page after page for this session.
      renderComposer: (view: ComposerView) => services.templates.render("stream/composer.njk", { composer: view, user, t: ctx.state.t, lang: ctx.state.lang, csrfToken: ctx.state.csrfToken }),
      session: ctx.state.csrfToken,
    };
    const composer = await pickerComposer(services.registry, policy, ctx.state.t, { here: "/", returnTo: "/", kind: queryValue(ctx, "kind"), memo });
    await ctx.render("home.njk", {
      title: ctx.state.t("common:nav.home"),
      entries,
      nextUrl,
      filter,
      topic,
      topicParam,
      newCount,
      filters: dashboardFilters,
      composer,
      announcements,
      // A newcomer's first steps; nothing at all is asked once they are done or dismissed (core/people/first-day.ts).
      firstDay: before ? null : await firstDayOf(services, user, ctx.state.lang),
      panels: await services.registry.hooks.apply("dashboard.panels", [], { user }),
    });
  });
  /** "Hide for good": the first-day block closes, whatever is left on its checklist. */
  router.post("/first-day/dismiss", requireUser, async (ctx) => {
    await closeFirstDay(ctx.state.user!);
    flash(ctx, "success", "home:firstDay.dismissed");
    ctx.redirect("/");
  });
  return router;
}
