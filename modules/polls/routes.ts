import Router from "@koa/router";
import { Content, flash, forbidden, idParam, notFound, requireUser, safeNext, type AppContext, type AppContextExtras, type AppState, type Host } from "../../core/sdk/index.ts";
import { castBallot, closedError, readBallot } from "./commands/ballot-caster.ts";
import { clock } from "./clock.ts";
import { answersCsv } from "./export.ts";
import { pollItems } from "./items.ts";
import { Poll } from "./models.ts";
import { pollType } from "./poll-type.ts";
import { questionsOf } from "./queries.ts";

/** Every open page showing the poll fetches its own view of the results: the event carries no figures. */
export const publishResults = (host: Host, content: Pick<Content, "id" | "containerType" | "containerId">) =>
  host.live.publish({ type: content.containerType, id: content.containerId }, "results", { contentId: content.id });

/** /polls/<content id>/...: answering, the results, closing and reopening, the export. */
export function pollRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/polls" });

  /** The poll behind a content the viewer may read, where the module is on; anything else is the same 404. */
  async function readablePoll(ctx: AppContext & { params: Record<string, string> }) {
    const content = await Content.findByPk(idParam(ctx.params.contentId));
    if (!content || content.type !== pollType || !content.refId || !(await host.policyOf(ctx).canRead(content))) throw notFound();
    if (!(await host.isOnIn({ type: content.containerType, id: content.containerId }))) throw notFound();
    const poll = await Poll.findByPk(content.refId);
    if (!poll) throw notFound();
    return { content, poll };
  }

  async function itemFor(ctx: AppContext, content: Content) {
    return (await pollItems(host.sequelize, [content.refId!], host.policyOf(ctx), [content])).get(content.refId!)!;
  }

  router.post("/:contentId/answer", requireUser, async (ctx) => {
    const { content, poll } = await readablePoll(ctx);
    if (content.deletedAt) throw notFound();
    const item = await itemFor(ctx, content);
    if (!item.isOpen) throw closedError();
    if (!item.isEligible) throw forbidden("polls:errors.notMember");
    const answers = readBallot(item.questions, ctx.state.body);
    await castBallot(host.sequelize, poll, ctx.state.user!.id, answers, clock.now);
    await publishResults(host, content);
    flash(ctx, "success", "polls:answered");
    ctx.redirect(typeof ctx.state.body.returnTo === "string" ? safeNext(ctx.state.body.returnTo) : `/c/${content.id}`);
    ctx.status = 303;
  });

  // The results as this viewer may see them, for a page updating itself live (polls.js).
  router.get("/:contentId/results", async (ctx) => {
    const { content } = await readablePoll(ctx);
    const item = await itemFor(ctx, content);
    await ctx.render("polls/results.njk", { item });
  });

  router.get("/:contentId/results.csv", requireUser, async (ctx) => {
    const { content, poll } = await readablePoll(ctx);
    const item = await itemFor(ctx, content);
    if (!item.isManager) throw forbidden();
    const questions = (await questionsOf([poll.id])).get(poll.id) ?? [];
    const t = ctx.state.t;
    ctx.set("Content-Disposition", `attachment; filename="poll-${content.id}.csv"`);
    ctx.type = "text/csv; charset=utf-8";
    ctx.body = await answersCsv(host.sequelize, poll, questions, { person: t("polls:export.person"), question: t("polls:export.question"), answer: t("polls:export.answer") });
  });

  for (const [action, closing] of [["close", true], ["reopen", false]] as const) {
    router.post(`/:contentId/${action}`, requireUser, async (ctx) => {
      const { content, poll } = await readablePoll(ctx);
      const policy = host.policyOf(ctx);
      if (content.deletedAt || !(poll.authorId === ctx.state.user!.id || (await policy.canModerate(content)))) throw forbidden();
      const now = clock.now();
      if (closing && poll.isOpenAt(now)) await poll.update({ closedAt: now });
      // Reopened after its deadline, a poll has no deadline left (the author may close it by hand).
      if (!closing && !poll.isOpenAt(now)) await poll.update({ closedAt: null, closesAt: poll.closesAt && poll.closesAt <= now ? null : poll.closesAt });
      await publishResults(host, content);
      flash(ctx, "success", closing ? "polls:closedFlash" : "polls:reopenedFlash");
      ctx.redirect(`/c/${content.id}`);
      ctx.status = 303;
    });
  }

  return router;
}
