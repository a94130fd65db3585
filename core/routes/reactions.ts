import Router from "@koa/router";
import { Op } from "sequelize";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { requireUser } from "../auth/current-user.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { Comment } from "../models/comment.ts";
import { Reaction, isReactionKind, reactionKinds } from "../models/reaction.ts";
import { shownUserAttributes, User } from "../models/user.ts";
import { readableContent } from "../commands/post-writer.ts";
import { reachableComment } from "../commands/comment-writer.ts";
import { toggleReaction, type ReactionSubject } from "../commands/reaction-writer.ts";
import { idParam, policyOf, queryValue } from "../content/request.ts";
import { commentUrl } from "../content/comments/entries.ts";
import { backTo, wantsJson } from "../content/comments/page.ts";
import { safeNext } from "../auth/current-user.ts";
import { reactionEmoji, reactionLabels, summaryOfOne, type ReactionTarget } from "../content/reactions/summary.ts";

/** People per page of a "who reacted" list. */
export const reactionListSize = 50;

/** Reactions on contents (/c/:id/react) and comments (/comments/:id/react), and who reacted. */
export function reactionRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();

  /** The content (or comment) named in the URL, as the viewer may reach it; 404 otherwise, without saying whether it exists. */
  async function subjectOf(ctx: AppContext, target: ReactionTarget, id: string): Promise<ReactionSubject> {
    const policy = policyOf(ctx, services.registry);
    if (target === "content") return { content: await readableContent(policy, idParam(id)), comment: null };
    const found = await Comment.findByPk(idParam(id));
    if (!found) throw notFound();
    const content = await readableContent(policy, found.contentId);
    return { content, comment: await reachableComment(policy, content, found.id) };
  }

  function itemOf(subject: ReactionSubject) {
    return subject.comment
      ? { target: "comment" as const, id: subject.comment.id, url: commentUrl(subject.comment) }
      : { target: "content" as const, id: subject.content.id, url: `/c/${subject.content.id}` };
  }

  async function react(ctx: AppContext, target: ReactionTarget, id: string) {
    const subject = await subjectOf(ctx, target, id);
    const kind = ctx.state.body.kind;
    if (!isReactionKind(kind)) throw badRequest("reactions:errors.kind");
    const policy = policyOf(ctx, services.registry);
    const reaction = await toggleReaction(services, policy, subject, kind);
    const item = itemOf(subject);
    if (wantsJson(ctx)) {
      const summary = await summaryOfOne(services.sequelize, item.target, { id: item.id, canReact: true }, policy.user!.id);
      ctx.body = {
        kind: reaction?.kind ?? null,
        total: summary.total,
        counts: Object.fromEntries(summary.kinds.map((entry) => [entry.kind, entry.count])),
        // The "N reactions" link text, translated here so the script needs no catalogue.
        totalLabel: ctx.state.t("reactions:whoReacted", { count: summary.total }),
      };
      return;
    }
    const anchor = subject.comment ? `#comment-${subject.comment.id}` : `#content-${subject.content.id}`;
    // From the who-reacted page: back to the page the reader came to it from (its returnTo), else to the form's page.
    const returnTo = ctx.state.body.returnTo;
    const back = typeof returnTo === "string" && returnTo !== "" ? safeNext(returnTo.split("#")[0]) : backTo(ctx, `/c/${subject.content.id}`);
    ctx.redirect(`${back}${anchor}`);
  }
  router.post("/c/:id/react", requireUser, (ctx) => react(ctx, "content", ctx.params.id));
  router.post("/comments/:id/react", requireUser, (ctx) => react(ctx, "comment", ctx.params.id));

  // Who reacted, newest first, by keyset (?before=<reaction id>), optionally one kind.
  async function list(ctx: AppContext, target: ReactionTarget, id: string) {
    const subject = await subjectOf(ctx, target, id);
    const kind = queryValue(ctx, "kind", reactionKinds);
    const beforeParam = queryValue(ctx, "before");
    const before = beforeParam === undefined ? null : idParam(beforeParam);
    if (before === 0) throw badRequest("stream:errors.cursor");
    const item = itemOf(subject);
    const where = {
      ...(subject.comment ? { commentId: subject.comment.id } : { contentId: subject.content.id, commentId: null }),
      ...(kind ? { kind } : {}),
      ...(before ? { id: { [Op.lt]: before } } : {}),
    };
    const rows = await Reaction.findAll({ where, order: [["id", "DESC"]], limit: reactionListSize + 1 });
    const page = rows.slice(0, reactionListSize);
    const users = new Map((page.length ? await User.findAll({ where: { id: { [Op.in]: page.map((row) => row.userId) } }, attributes: shownUserAttributes }) : []).map((user) => [user.id, user]));
    const people = page.map((row) => ({ user: users.get(row.userId) ?? null, kind: row.kind, emoji: reactionEmoji[row.kind], labelKey: reactionLabels[row.kind] }));
    const base = `${ctx.path}?${kind ? `kind=${kind}&` : ""}`;
    const nextUrl = rows.length > reactionListSize ? `${base}before=${page.at(-1)!.id}` : null;
    if (wantsJson(ctx)) {
      ctx.body = {
        reactions: people.map((person) => ({ kind: person.kind, username: person.user?.username ?? null, displayName: person.user?.displayName ?? null })),
        next: nextUrl,
      };
      return;
    }
    // As toggleReaction allows: an active account, on a live content (and comment).
    const canReact = ctx.state.user!.isActive && subject.content.isLive && (!subject.comment || subject.comment.isLive);
    const summary = await summaryOfOne(services.sequelize, item.target, { id: item.id, canReact }, ctx.state.user!.id);
    // Reacting here without JavaScript leads back to the stream whose "React" link led here (not to this list).
    const cameFrom = backTo(ctx, item.url);
    const returnTo = cameFrom.startsWith(ctx.path) ? item.url : cameFrom;
    await ctx.render("reactions/list.njk", { title: ctx.state.t("reactions:list.title"), people, summary, kind: kind ?? null, nextUrl, backUrl: item.url, listPath: ctx.path, returnTo });
  }
  router.get("/c/:id/reactions", requireUser, (ctx) => list(ctx, "content", ctx.params.id));
  router.get("/comments/:id/reactions", requireUser, (ctx) => list(ctx, "comment", ctx.params.id));

  return router;
}
