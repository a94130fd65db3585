import Router from "@koa/router";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { requireUser } from "../auth/current-user.ts";
import { notFound } from "../http/errors.ts";
import { Topic, TopicFollow } from "../models/topic.ts";
import { taggedWith } from "../content/dashboard.ts";
import { decodeCursor, encodeCursor, readablePage } from "../content/stream.ts";
import { isTopicReadable } from "../content/topics.ts";
import { entryLoader } from "../content/cached-entries.ts";
import { policyOf } from "../content/request.ts";
import { topicName } from "../content/markdown.ts";
import { flash } from "../views/render.ts";
import { pageSize } from "./home.ts";

/** /topics: the ones you follow; /topics/:name: what the viewer may read under a #topic; follow and unfollow. */
export function topicRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();

  /**
   * The topic by name, when the viewer may read something under it. A topic used only where they cannot
   * read is a 404 like one nobody used, so its name tells nothing; `isFollowed` lets them drop a follow.
   */
  async function topicOf(ctx: AppContext, name: string, options: { isFollowed?: boolean } = {}) {
    const topic = name.length <= 64 ? await Topic.findOne({ where: { name: topicName(name) } }) : null;
    if (!topic) throw notFound();
    if (await isTopicReadable(services.registry, policyOf(ctx, services.registry), topic)) return { topic, isReadable: true };
    if (options.isFollowed && (await followOf(ctx, topic))) return { topic, isReadable: false };
    throw notFound();
  }

  const followOf = (ctx: AppContext, topic: Topic) => TopicFollow.findOne({ where: { topicId: topic.id, userId: ctx.state.user!.id } });

  router.get("/topics", requireUser, async (ctx) => {
    const follows = await TopicFollow.findAll({ where: { userId: ctx.state.user!.id }, limit: 500 });
    const topics = follows.length ? await Topic.findAll({ where: { id: follows.map((follow) => follow.topicId) }, order: [["name", "ASC"]] }) : [];
    await ctx.render("topics/index.njk", { topics, title: ctx.state.t("stream:topics.title") });
  });

  router.get("/topics/:name", requireUser, async (ctx) => {
    const { topic } = await topicOf(ctx, ctx.params.name);
    const policy = policyOf(ctx, services.registry);
    const before = decodeCursor(ctx.query.before);
    const page = await readablePage(taggedWith(services.sequelize, topic.id), (contents) => policy.filterReadable(contents), before, pageSize);
    const entries = await entryLoader(ctx, services.registry)(page.contents);
    const nextUrl = page.next ? `/topics/${encodeURIComponent(topic.name)}?before=${encodeCursor(page.next)}` : null;
    if (ctx.query.partial === "1") return ctx.render("stream/page.njk", { entries, nextUrl });
    const isFollowing = Boolean(await followOf(ctx, topic));
    await ctx.render("topics/show.njk", { topic, entries, nextUrl, isFollowing, title: `#${topic.label}` });
  });

  router.post("/topics/:name/follow", requireUser, async (ctx) => {
    const { topic } = await topicOf(ctx, ctx.params.name);
    await TopicFollow.bulkCreate([{ topicId: topic.id, userId: ctx.state.user!.id }], { ignoreDuplicates: true });
    flash(ctx, "success", "stream:topics.followed", { topic: topic.label });
    ctx.redirect(`/topics/${encodeURIComponent(topic.name)}`);
  });

  router.post("/topics/:name/unfollow", requireUser, async (ctx) => {
    const { topic, isReadable } = await topicOf(ctx, ctx.params.name, { isFollowed: true });
    await TopicFollow.destroy({ where: { topicId: topic.id, userId: ctx.state.user!.id } });
    flash(ctx, "success", "stream:topics.unfollowed", { topic: topic.label });
    // Its page is a 404 for them now: back to the topics they follow.
    ctx.redirect(isReadable ? `/topics/${encodeURIComponent(topic.name)}` : "/topics");
  });

  return router;
}
