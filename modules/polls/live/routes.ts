import Router from "@koa/router";
import { z } from "zod";
import { Content, HttpError, flash, forbidden, idParam, notFound, requireUser, type AppContext, type AppContextExtras, type AppState, type Host } from "../../../core/sdk/index.ts";
import { clock } from "../clock.ts";
import { Poll } from "../models.ts";
import { questionsOf } from "../queries.ts";
import { isAnswerError, tallies } from "../tallies/index.ts";
import { LiveSession } from "./models.ts";
import { postFinalRanking } from "./ranking-post.ts";
import { liveScoreOf, rankingOf } from "./scoring.ts";
import { finishSession, liveClosedError, liveView, moveSession, recordAnswer, startSession } from "./state.ts";

/** The live event: ids and the step only (every reader of the container hears it); each page fetches its own view. */
const publishLive = (host: Host, content: Content, step: number, change: "move" | "answer") =>
  host.live.publish({ type: content.containerType, id: content.containerId }, "live-quiz", { contentId: content.id, step, change });

const startForm = z.object({
  bonusSeconds: z.preprocess((value) => (value === "" || value === undefined ? 20 : value), z.coerce.number({ message: "polls:live.errors.bonusSeconds" }).int("polls:live.errors.bonusSeconds").min(5, "polls:live.errors.bonusSeconds").max(600, "polls:live.errors.bonusSeconds")),
});
const stepOf = (body: Record<string, unknown>) => {
  const raw = body.step;
  if (typeof raw !== "string" || !/^\d{1,9}$/.test(raw)) throw new HttpError(422, "polls:live.errors.moved");
  return Number(raw);
};

/**
 * /polls/<quiz content id>/live...: a quiz run live. The presenter (the quiz's author or the container's
 * moderators) moves it with plain forms; participants (whoever may answer the quiz) answer on their phones; the
 * projector view shows the question, the count, the reveal and the scores. Pages update through host.live.
 */
export function liveQuizRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/polls" });

  /** The quiz behind a content the viewer may read, where the module is on; anything else is the same 404. */
  async function readableQuiz(ctx: AppContext & { params: Record<string, string> }) {
    const content = await Content.findByPk(idParam(ctx.params.contentId));
    if (!content || content.type !== "quiz" || content.deletedAt || !content.refId || !(await host.policyOf(ctx).canRead(content))) throw notFound();
    if (!(await host.isOnIn({ type: content.containerType, id: content.containerId }))) throw notFound();
    // An archived group is read only: a live run can be watched, not moved or answered.
    if (ctx.method === "POST" && (await host.isReadOnly({ type: content.containerType, id: content.containerId }))) throw forbidden("polls:errors.readOnly");
    const poll = await Poll.findByPk(content.refId);
    if (!poll || poll.kind !== "quiz") throw notFound();
    const questions = (await questionsOf([poll.id])).get(poll.id) ?? [];
    return { content, poll, questions };
  }
  const isPresenter = async (ctx: AppContext, content: Content, poll: Poll) => poll.authorId === ctx.state.user!.id || (await host.policyOf(ctx).canModerate(content));
  /** Readers who may not present get 403 (they know the quiz); others never got this far (404). */
  async function presentedQuiz(ctx: AppContext & { params: Record<string, string> }) {
    const found = await readableQuiz(ctx);
    if (!(await isPresenter(ctx, found.content, found.poll))) throw forbidden("polls:live.errors.notPresenter");
    return found;
  }
  /** Who may answer live: as for the quiz itself, its container's members, or any reader where it is open to readers. */
  const isEligible = async (ctx: AppContext, content: Content, poll: Poll) => poll.openToReaders || (await host.policyOf(ctx).roleIn(content)) !== "";

  async function render(ctx: AppContext, page: "participant" | "presenter" | "screen", found: Awaited<ReturnType<typeof readableQuiz>>, extra: Record<string, unknown> = {}) {
    const { content, poll, questions } = found;
    const view = await liveView(host.sequelize, poll, content.id, `${content.containerType}:${content.containerId}`, questions, ctx.state.user!.id);
    const partial = ctx.query.partial === "1";
    const locals = { title: ctx.state.t(`polls:live.${page}.title`, { quiz: poll.title }), view, hideNavigation: page === "screen", joinUrl: `/polls/${content.id}/live`, ...extra };
    await ctx.render(partial ? `polls/live/${page}-body.njk` : `polls/live/${page}.njk`, locals);
    ctx.set("Cache-Control", "no-store");
  }

  // The participant's page: the open question and its answer form, else what is going on; a refresh link without JavaScript.
  router.get("/:contentId/live", requireUser, async (ctx) => {
    const found = await readableQuiz(ctx);
    await render(ctx, "participant", found, { isEligible: await isEligible(ctx, found.content, found.poll), isPresenter: await isPresenter(ctx, found.content, found.poll) });
  });
  router.get("/:contentId/live/present", requireUser, async (ctx) => render(ctx, "presenter", await presentedQuiz(ctx)));
  router.get("/:contentId/live/screen", requireUser, async (ctx) => render(ctx, "screen", await presentedQuiz(ctx)));

  const backToPresenter = (ctx: AppContext, content: Content) => {
    ctx.redirect(`/polls/${content.id}/live/present`);
    ctx.status = 303;
  };

  router.post("/:contentId/live/start", requireUser, async (ctx) => {
    const found = await presentedQuiz(ctx);
    const form = startForm.safeParse(ctx.state.body);
    if (!form.success) throw new HttpError(422, "polls:live.errors.bonusSeconds");
    if (found.questions.length === 0) throw notFound();
    const session = await startSession(found.poll, ctx.state.user!.id, form.data.bonusSeconds, clock.now());
    await publishLive(host, found.content, session.step, "move");
    backToPresenter(ctx, found.content);
  });

  // The next question opens (from the lobby or a reveal); the server records the moment for the time bonus.
  router.post("/:contentId/live/next", requireUser, async (ctx) => {
    const found = await presentedQuiz(ctx);
    const session = await LiveSession.findOne({ where: { pollId: found.poll.id } });
    if (!session) throw new HttpError(409, "polls:live.errors.notStarted");
    const position = session.position + 1;
    if (position >= found.questions.length) throw new HttpError(409, "polls:live.errors.noMoreQuestions");
    await moveSession(host.sequelize, session, stepOf(ctx.state.body), ["lobby", "reveal"], { phase: "question", position, questionId: found.questions[position].id, openedAt: clock.now() });
    await publishLive(host, found.content, session.step + 1, "move");
    backToPresenter(ctx, found.content);
  });

  // Answers close and the right answer, the distribution and the scores show.
  router.post("/:contentId/live/close", requireUser, async (ctx) => {
    const found = await presentedQuiz(ctx);
    const session = await LiveSession.findOne({ where: { pollId: found.poll.id } });
    if (!session) throw new HttpError(409, "polls:live.errors.notStarted");
    await moveSession(host.sequelize, session, stepOf(ctx.state.body), ["question"], { phase: "reveal" });
    await publishLive(host, found.content, session.step + 1, "move");
    backToPresenter(ctx, found.content);
  });

  // The end: the final ranking goes to the quiz's stream once, however often (or from however many pages) this is sent.
  router.post("/:contentId/live/finish", requireUser, async (ctx) => {
    const found = await presentedQuiz(ctx);
    const session = await LiveSession.findOne({ where: { pollId: found.poll.id } });
    if (!session) throw new HttpError(409, "polls:live.errors.notStarted");
    const now = clock.now();
    await finishSession(host.sequelize, session, now);
    const { ranking, participants } = await rankingOf(host.sequelize, session.id);
    try {
      if (await postFinalRanking(host, host.policyOf(ctx), found.content, session, ranking, participants, now)) flash(ctx, "success", "polls:live.rankingPosted");
    } catch (error) {
      // The presenter may no longer post there (an archived group): the run ends without its ranking in the stream.
      host.logger.warn({ err: error, pollId: found.poll.id }, "live quiz ranking not posted");
    }
    const finished = await LiveSession.findByPk(session.id, { attributes: ["step"] });
    await publishLive(host, found.content, finished?.step ?? session.step, "move");
    backToPresenter(ctx, found.content);
  });

  // A participant's answer to the open question: scored on the server (time bonus from the recorded opening).
  router.post("/:contentId/live/answer", requireUser, async (ctx) => {
    const found = await readableQuiz(ctx);
    const { content, poll, questions } = found;
    if (!(await isEligible(ctx, content, poll))) throw forbidden("polls:errors.notMember");
    const session = await LiveSession.findOne({ where: { pollId: poll.id } });
    const raw = ctx.state.body.question;
    const questionId = typeof raw === "string" && /^\d{1,10}$/.test(raw) ? Number(raw) : null;
    if (!session || session.phase !== "question" || !session.openedAt || questionId === null || session.questionId !== questionId) throw liveClosedError();
    const question = questions.find((entry) => entry.id === questionId)!;
    const answer = tallies[question.kind].parse(question, ctx.state.body);
    if (answer === null) throw new HttpError(422, "polls:errors.required");
    if (isAnswerError(answer)) throw new HttpError(422, answer.error);
    const now = clock.now();
    const { score, bonus } = liveScoreOf(question, answer, { timeBonus: poll.timeBonus, openedAt: session.openedAt, now, bonusSeconds: session.bonusSeconds });
    await recordAnswer(host.sequelize, session, { questionId, userId: ctx.state.user!.id, answer, score, bonus, now });
    await publishLive(host, content, session.step, "answer");
    flash(ctx, "success", "polls:live.answerRecorded");
    ctx.redirect(`/polls/${content.id}/live`);
    ctx.status = 303;
  });

  return router;
}
