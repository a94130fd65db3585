import Router from "@koa/router";
import { QueryTypes, UniqueConstraintError } from "sequelize";
import { Content, HttpError, User, flash, forbidden, idParam, notFound, renderInvalid, requireUser, safeNext, validateForm, type AppContext, type AppContextExtras, type AppState, type Host } from "../../core/sdk/index.ts";
import { z } from "zod";
import { announceWinner } from "./winner.ts";
import { castBallot, closedError, readBallot } from "./commands/ballot-caster.ts";
import { addOption, changeRules, editOptions } from "./commands/rules-writer.ts";
import { ruleFields } from "./composer.ts";
import { clock } from "./clock.ts";
import { answersCsv } from "./export.ts";
import { pollItems } from "./items.ts";
import { Poll, PollJuror, PollJuryScore, PollOption, QuizAttempt, QuizLeaderboardOptout, QuizStart } from "./models.ts";
import { maxOptions } from "./limits.ts";
import { graceSeconds, scoreOf, timeBonusOf } from "./quiz.ts";
import { ballotTypes } from "./poll-type.ts";
import { questionsOf } from "./queries.ts";
import { wallClockValue } from "./zones.ts";

/** Every open page showing the poll fetches its own view of the results: the event carries no figures. */
export const publishResults = (host: Host, content: Pick<Content, "id" | "containerType" | "containerId">) =>
  host.live.publish({ type: content.containerType, id: content.containerId }, "results", { contentId: content.id });

/** /polls/<content id>/...: answering, the results, closing and reopening, the export. */
export function pollRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/polls" });

  /** The poll behind a content the viewer may read, where the module is on; anything else is the same 404. */
  async function readablePoll(ctx: AppContext & { params: Record<string, string> }) {
    const content = await Content.findByPk(idParam(ctx.params.contentId));
    if (!content || !ballotTypes.includes(content.type) || !content.refId || !(await host.policyOf(ctx).canRead(content))) throw notFound();
    if (!(await host.isOnIn({ type: content.containerType, id: content.containerId }))) throw notFound();
    // An archived group is read only: its polls show, nothing in them changes (answers, entries, scores, closing, settings).
    if (ctx.method === "POST" && (await host.isReadOnly({ type: content.containerType, id: content.containerId }))) throw forbidden("polls:errors.readOnly");
    const poll = await Poll.findByPk(content.refId);
    if (!poll) throw notFound();
    return { content, poll };
  }

  async function itemFor(ctx: AppContext, content: Content) {
    return (await pollItems(host, [content.refId!], host.policyOf(ctx), [content])).get(content.refId!)!;
  }

  router.post("/:contentId/answer", requireUser, async (ctx) => {
    const { content, poll } = await readablePoll(ctx);
    if (content.deletedAt) throw notFound();
    const item = await itemFor(ctx, content);
    if (!item.isOpen) throw closedError();
    if (!item.isEligible) throw forbidden("polls:errors.notMember");
    if (item.contest?.isSubmitting) throw new HttpError(409, "polls:errors.votingNotOpen");
    const answers = readBallot(item.questions, ctx.state.body);
    const voterId = ctx.state.user!.id;
    if (poll.kind === "contest") {
      const own = new Set(item.questions.flatMap((question) => question.options).filter((option) => option.addedBy === voterId).map((option) => option.id));
      if ([...answers.values()].some((answer) => (answer.choices ?? []).some((choice) => own.has(choice.optionId)))) throw forbidden("polls:errors.ownEntry");
    }
    if (poll.kind === "quiz") {
      // Each attempt replaces the last answers and records its score; the unique index keeps attempt numbers apart.
      const used = await QuizAttempt.count({ where: { pollId: poll.id, userId: voterId } });
      if (used >= poll.maxAttempts) throw new HttpError(409, "polls:errors.noAttemptsLeft");
      const { score, maxScore } = scoreOf(item.questions, answers);
      let bonus = 0;
      if (poll.timeLimitSeconds) {
        // Timed: counted from the start the server recorded; past the limit the attempt is used and scores nothing.
        const start = await QuizStart.findOne({ where: { pollId: poll.id, userId: voterId, attempt: used + 1 } });
        if (!start) {
          // The attempt this page answers was recorded a moment ago by the same answer sent at once (a late one
          // used it): say so, rather than "start first".
          const previous = used > 0 ? await QuizStart.findOne({ where: { pollId: poll.id, userId: voterId, attempt: used } }) : null;
          if (!previous) throw new HttpError(409, "polls:errors.notStarted");
          const late = (clock.now().getTime() - previous.startedAt.getTime()) / 1000 > poll.timeLimitSeconds + graceSeconds;
          throw new HttpError(409, late ? "polls:errors.timeUp" : "polls:errors.attemptRace");
        }
        const elapsed = (clock.now().getTime() - start.startedAt.getTime()) / 1000;
        if (elapsed > poll.timeLimitSeconds + graceSeconds) {
          // Late answers sent at once use the attempt once: the unique index keeps the first one's row.
          await QuizAttempt.create({ pollId: poll.id, userId: voterId, attempt: used + 1, score: 0, maxScore }).catch((error: unknown) => {
            if (!(error instanceof UniqueConstraintError)) throw error;
          });
          throw new HttpError(409, "polls:errors.timeUp");
        }
        if (poll.timeBonus) bonus = timeBonusOf(score, elapsed, poll.timeLimitSeconds);
      }
      await castBallot(host.sequelize, poll, voterId, answers, clock.now, {
        replace: true,
        afterWrite: (transaction) => QuizAttempt.create({ pollId: poll.id, userId: voterId, attempt: used + 1, score, maxScore, bonus }, { transaction }),
        // The same attempt sent twice at once (a double click, two pages): the unique index on the attempt's
        // number lets one in; the other is told so, and nothing of it is kept.
        raceMessage: "polls:errors.attemptRace",
      });
    } else {
      await castBallot(host.sequelize, poll, voterId, answers, clock.now);
    }
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
      // A closed contest announces its winner in the stream (once: see winner.ts).
      if (closing) await announceWinner(host, poll.id);
      flash(ctx, "success", closing ? "polls:closedFlash" : "polls:reopenedFlash");
      ctx.redirect(`/c/${content.id}`);
      ctx.status = 303;
    });
  }

  // The author's settings page: who sees the results, changing answers, the deadline; anonymity until the first answer.
  const settingsPage = async (ctx: AppContext, content: Content, poll: Poll) => {
    // The closing time is shown and read in the author's time zone (a hidden field carries it to the POST).
    const timeZone = await host.timeZoneOf(ctx.state.user!);
    const values = ctx.state.body && Object.keys(ctx.state.body).length > 0 ? ctx.state.body : {
      anonymous: poll.isAnonymous, allowChange: poll.allowChange, results: poll.resultsVisibility, membersAddOptions: poll.membersAddOptions,
      openToReaders: poll.openToReaders, closesAt: poll.closesAt ? wallClockValue(poll.closesAt, timeZone) : "",
    };
    const item = await itemFor(ctx, content);
    const questions = item.questions.filter((question) => question.options.length > 0);
    // A contest's jury: its jurors (ticked), the container's members found by the search box (host.members, a
    // page at a time, a plain GET form), and the weight of the jury's average in the final ranking.
    let jury = null;
    if (poll.kind === "contest") {
      const jurors = await PollJuror.findAll({ where: { pollId: poll.id }, attributes: ["userId"], order: [["id", "ASC"]] });
      const people = await User.findAll({ where: { id: jurors.map((juror) => juror.userId) }, attributes: ["id", "username", "displayName"] });
      const personOf = new Map(people.map((person) => [person.id, { id: person.id, name: person.displayName, handle: person.username }]));
      const seated = jurors.flatMap((juror) => personOf.get(juror.userId) ?? []);
      const query = typeof ctx.query.jurorQuery === "string" ? ctx.query.jurorQuery.trim().slice(0, 100) : "";
      const after = typeof ctx.query.jurorsAfter === "string" ? ctx.query.jurorsAfter : undefined;
      const found = await host.members({ type: content.containerType, id: content.containerId, slug: "", name: "" }, { viewer: ctx.state.user!, query, limit: 20, after });
      const chosen = new Set(seated.map((person) => person.id));
      const more = found.next ? `/polls/${content.id}/settings?${new URLSearchParams({ jurorQuery: query, jurorsAfter: found.next })}#jury` : null;
      jury = { seated, query, found: found.members.filter((member) => !chosen.has(member.id)), more, weight: poll.juryWeight, isOpen: item.isOpen };
    }
    return { title: ctx.state.t("polls:settings.title"), content, poll, values, isLocked: item.participants > 0, questions, jury, timeZone };
  };
  async function authorsPoll(ctx: AppContext & { params: Record<string, string> }) {
    const found = await readablePoll(ctx);
    if (found.content.deletedAt || found.poll.authorId !== ctx.state.user!.id) throw forbidden();
    return found;
  }
  router.get("/:contentId/settings", requireUser, async (ctx) => {
    const { content, poll } = await authorsPoll(ctx);
    await ctx.render("polls/settings.njk", { ...(await settingsPage(ctx, content, poll)), errors: {} });
  });
  router.post("/:contentId/settings", requireUser, async (ctx) => {
    const { content, poll } = await authorsPoll(ctx);
    const form = validateForm(ruleFields, ctx.state.body);
    if (form.errors) return renderInvalid(ctx, "polls/settings.njk", form.errors, await settingsPage(ctx, content, poll));
    await changeRules(host, poll, form.data);
    await publishResults(host, content);
    flash(ctx, "success", "polls:settings.saved");
    ctx.redirect(`/c/${content.id}`);
    ctx.status = 303;
  });

  // A contest's jury, named by its author among the container's members until the close (see jury.ts for the ranking).
  const juryForm = z.object({
    // The ticked members' ids (one checkbox each); none is no jury.
    juror: z.union([z.string(), z.array(z.string())]).default([]).transform((value) => [value].flat()),
    // A whole number 0–100 (an empty field is refused, not read as 0).
    juryWeight: z.string({ message: "polls:errors.juryWeight" }).trim().regex(/^\d{1,3}$/, "polls:errors.juryWeight").transform(Number).refine((weight) => weight <= 100, "polls:errors.juryWeight"),
  });
  router.post("/:contentId/jury", requireUser, async (ctx) => {
    const { content, poll } = await authorsPoll(ctx);
    if (poll.kind !== "contest") throw notFound();
    if (!poll.isOpenAt(clock.now())) throw closedError();
    const form = validateForm(juryForm, ctx.state.body);
    if (form.errors) throw new HttpError(422, form.errors.juryWeight ?? form.errors.juror ?? "polls:errors.jurors");
    if (!form.data.juror.every((id) => /^[1-9]\d{0,9}$/.test(id))) throw new HttpError(422, "polls:errors.jurorUnknown");
    const chosen = [...new Set(form.data.juror.map(Number))];
    if (chosen.length > 50) throw new HttpError(422, "polls:errors.jurors");
    const people = chosen.length > 0 ? await User.findAll({ where: { id: chosen } }) : [];
    if (people.length !== chosen.length) throw new HttpError(422, "polls:errors.jurorUnknown");
    // Only active members of the contest's container may judge it.
    for (const person of people) {
      if (!person.isActive || (await host.policyFor(person).roleIn(content)) === "") throw new HttpError(422, "polls:errors.jurorNotMember");
    }
    // In the order the author ticked them.
    const ids = chosen;
    await host.sequelize.transaction(async (transaction) => {
      const current = await PollJuror.findAll({ where: { pollId: poll.id }, transaction });
      const dropped = current.filter((juror) => !ids.includes(juror.userId)).map((juror) => juror.userId);
      // A juror taken off the jury takes their scores along.
      if (dropped.length > 0) {
        await PollJuryScore.destroy({ where: { pollId: poll.id, jurorId: dropped }, transaction });
        await PollJuror.destroy({ where: { pollId: poll.id, userId: dropped }, transaction });
      }
      const known = new Set(current.map((juror) => juror.userId));
      for (const userId of ids) if (!known.has(userId)) await PollJuror.create({ pollId: poll.id, userId }, { transaction });
      await Poll.update({ juryWeight: form.data.juryWeight }, { where: { id: poll.id }, transaction });
    });
    await publishResults(host, content);
    flash(ctx, "success", "polls:jury.saved");
    ctx.redirect(`/polls/${content.id}/settings`);
    ctx.status = 303;
  });

  // A juror scores approved entries 0–10 (fields score<entry id>; an empty field leaves that entry as it is),
  // never their own, until the close. All or nothing: one bad field writes no score.
  router.post("/:contentId/jury/scores", requireUser, async (ctx) => {
    const { content, poll } = await readablePoll(ctx);
    if (poll.kind !== "contest") throw notFound();
    if (content.deletedAt || !poll.isOpenAt(clock.now())) throw closedError();
    const jurorId = ctx.state.user!.id;
    const isJuror = (await PollJuror.count({ where: { pollId: poll.id, userId: jurorId } })) === 1;
    if (!isJuror || (await host.policyOf(ctx).roleIn(content)) === "") throw forbidden("polls:errors.notJuror");
    const scores = new Map<number, number>();
    for (const [name, raw] of Object.entries(ctx.state.body)) {
      const match = /^score(\d{1,10})$/.exec(name);
      if (!match) continue;
      if (typeof raw !== "string") throw new HttpError(422, "polls:errors.juryScore");
      if (raw.trim() === "") continue;
      if (!/^\d{1,2}$/.test(raw.trim()) || Number(raw) > 10) throw new HttpError(422, "polls:errors.juryScore");
      scores.set(Number(match[1]), Number(raw));
    }
    if (scores.size === 0) throw new HttpError(422, "polls:errors.juryNothing");
    const entries = await PollOption.findAll({ where: { id: [...scores.keys()], pollId: poll.id, removedAt: null, isPending: false }, attributes: ["id", "addedBy"] });
    if (entries.length !== scores.size) throw new HttpError(422, "polls:errors.unknownEntry");
    if (entries.some((entry) => entry.addedBy === jurorId)) throw forbidden("polls:errors.ownEntryScore");
    try {
      await host.sequelize.transaction(async (transaction) => {
        const existing = await PollJuryScore.findAll({ where: { pollId: poll.id, jurorId, optionId: [...scores.keys()] }, transaction });
        const byOption = new Map(existing.map((row) => [row.optionId, row]));
        for (const [optionId, score] of scores) {
          const row = byOption.get(optionId);
          if (row) {
            if (row.score !== score) await row.update({ score }, { transaction });
          } else await PollJuryScore.create({ pollId: poll.id, optionId, jurorId, score }, { transaction });
        }
      });
    } catch (error) {
      // The unique index on (entry, juror): two sends at once, the other one's score stands.
      if (error instanceof Error && error.name === "SequelizeUniqueConstraintError") throw new HttpError(409, "polls:errors.answerRace");
      throw error;
    }
    flash(ctx, "success", "polls:jury.scored");
    ctx.redirect(typeof ctx.state.body.returnTo === "string" ? safeNext(ctx.state.body.returnTo) : `/c/${content.id}`);
    ctx.status = 303;
  });

  // A timed quiz's attempt starts here: the server records the time the limit counts from (once per attempt).
  router.post("/:contentId/start", requireUser, async (ctx) => {
    const { content, poll } = await readablePoll(ctx);
    const item = await itemFor(ctx, content);
    if (poll.kind !== "quiz" || !poll.timeLimitSeconds) throw notFound();
    if (content.deletedAt || !item.isOpen) throw closedError();
    if (!item.isEligible) throw forbidden("polls:errors.notMember");
    if (!item.canAnswer) throw new HttpError(409, "polls:errors.noAttemptsLeft");
    const userId = ctx.state.user!.id;
    await QuizStart.findOrCreate({ where: { pollId: poll.id, userId, attempt: item.quiz!.attemptsUsed + 1 }, defaults: { pollId: poll.id, userId, attempt: item.quiz!.attemptsUsed + 1, startedAt: clock.now() } });
    ctx.redirect(typeof ctx.state.body.returnTo === "string" ? safeNext(ctx.state.body.returnTo) : `/c/${content.id}`);
    ctx.status = 303;
  });

  // A contest's entries: submitted by its voters until submissions close (a cap each), held for moderation if asked.
  const entryImageTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"];
  const entryForm = z.object({ label: z.string().trim().min(1, "polls:errors.optionLength").max(200, "polls:errors.optionLength") });
  router.post("/:contentId/entries", requireUser, async (ctx) => {
    const { content, poll } = await readablePoll(ctx);
    const item = await itemFor(ctx, content);
    if (poll.kind !== "contest") throw notFound();
    if (content.deletedAt || !item.contest!.isSubmitting) throw new HttpError(409, "polls:errors.submissionsClosed");
    if (!item.isEligible) throw forbidden("polls:errors.notMember");
    // An entry may carry one image (a multipart form): stored with the contest's content, images only (else 415).
    const uploads = ctx.is("multipart") ? await host.files.receive(ctx, { maxFiles: 1 }) : [];
    const form = validateForm(entryForm, ctx.state.body);
    if (form.errors) {
      await host.files.discard(uploads);
      throw new HttpError(422, form.errors.label ?? "polls:errors.optionLength");
    }
    const userId = ctx.state.user!.id;
    let image: { id: number } | null = null;
    try {
      await host.sequelize.transaction(async (transaction) => {
        // Counted inside the write, after locking the contest's row: entries sent at once take turns, so the cap,
        // the duplicate check and the positions are exact (PostgreSQL: SELECT ... FOR UPDATE; SQLite's IMMEDIATE
        // transactions take the write lock first, and Sequelize leaves FOR UPDATE out there).
        const locked = await Poll.findByPk(poll.id, { attributes: ["id"], transaction, lock: transaction.LOCK.UPDATE });
        if (!locked) throw notFound();
        const mine = await PollOption.count({ where: { pollId: poll.id, addedBy: userId, removedAt: null }, transaction });
        if (mine >= poll.maxEntries) throw new HttpError(409, "polls:errors.entryCap");
        const options = await PollOption.findAll({ where: { pollId: poll.id }, transaction });
        if (options.some((option) => option.label.toLowerCase() === form.data.label.toLowerCase())) throw new HttpError(409, "polls:errors.duplicateOption");
        if (options.length >= maxOptions) throw new HttpError(409, "polls:errors.tooManyOptions");
        if (uploads[0]) image = await host.files.put(uploads[0], { content, uploader: { id: userId }, transaction, types: entryImageTypes });
        await PollOption.create({ pollId: poll.id, questionId: item.questions[0].id, position: options.length + 1, label: form.data.label, addedBy: userId, isPending: poll.isModerated, imageFileId: image?.id ?? null }, { transaction });
      });
    } catch (error) {
      if (image) await host.files.remove(image);
      await host.files.discard(uploads);
      throw error;
    }
    flash(ctx, "success", poll.isModerated ? "polls:contest.entryPending" : "polls:contest.entryAdded");
    ctx.redirect(typeof ctx.state.body.returnTo === "string" ? safeNext(ctx.state.body.returnTo) : `/c/${content.id}`);
    ctx.status = 303;
  });
  // An entry's image (or its thumbnail), for the contest's readers only: host.files.send checks the content too.
  router.get("/:contentId/entries/:optionId/image", async (ctx) => {
    const { content, poll } = await readablePoll(ctx);
    const option = await PollOption.findOne({ where: { id: idParam(ctx.params.optionId), pollId: poll.id, removedAt: null } });
    if (!option?.imageFileId) throw notFound();
    // An entry awaiting approval shows only to its author, the contest's author and the group's moderators.
    if (option.isPending && option.addedBy !== ctx.state.user?.id && poll.authorId !== ctx.state.user?.id && !(await host.policyOf(ctx).canModerate(content))) throw notFound();
    await host.files.send(ctx, option.imageFileId, { thumbnail: ctx.query.size === "thumb" });
  });
  router.post("/:contentId/entries/:optionId/approve", requireUser, async (ctx) => {
    const { content, poll } = await readablePoll(ctx);
    if (poll.kind !== "contest") throw notFound();
    if (content.deletedAt || !(poll.authorId === ctx.state.user!.id || (await host.policyOf(ctx).canModerate(content)))) throw forbidden();
    const [changed] = await PollOption.update({ isPending: false }, { where: { id: idParam(ctx.params.optionId), pollId: poll.id, isPending: true } });
    if (changed !== 1) throw notFound();
    await publishResults(host, content);
    ctx.redirect(typeof ctx.state.body.returnTo === "string" ? safeNext(ctx.state.body.returnTo) : `/c/${content.id}`);
    ctx.status = 303;
  });

  // Keeping one's name off every quiz leaderboard, or back on it.
  router.post("/leaderboard", requireUser, async (ctx) => {
    const userId = ctx.state.user!.id;
    if (ctx.state.body.optOut === "on") await QuizLeaderboardOptout.findOrCreate({ where: { userId } });
    else await QuizLeaderboardOptout.destroy({ where: { userId } });
    flash(ctx, "success", ctx.state.body.optOut === "on" ? "polls:quiz.optedOut" : "polls:quiz.optedIn");
    ctx.redirect(safeNext(ctx.state.body.returnTo));
    ctx.status = 303;
  });

  // The author adds options (also once people answered) and removes some, after a confirmation: their answers stay.
  router.post("/:contentId/options/edit", requireUser, async (ctx) => {
    const { content, poll } = await authorsPoll(ctx);
    const body = ctx.state.body;
    const questions = (await questionsOf([poll.id])).get(poll.id) ?? [];
    const additions = new Map<number, string[]>();
    for (const question of questions) {
      const raw = body[`add${question.id}`];
      if (raw === undefined) continue;
      if (typeof raw !== "string") throw new HttpError(422, "polls:errors.malformed");
      const labels = raw.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
      if (labels.length > 0) additions.set(question.id, labels);
    }
    const rawRemovals = body.remove === undefined ? [] : [body.remove].flat();
    if (!rawRemovals.every((value) => typeof value === "string" && /^[1-9]\d{0,9}$/.test(value))) throw new HttpError(422, "polls:errors.unknownOption");
    const removals = [...new Set(rawRemovals.map(Number))];
    if (removals.length > 0 && body.confirm !== "yes") {
      const answered = await host.sequelize.query<{ option_id: number; n: number | string }>(
        "SELECT option_id, COUNT(*) AS n FROM poll_answer_choices WHERE option_id IN (:removals) GROUP BY option_id",
        { replacements: { removals }, type: QueryTypes.SELECT },
      );
      const labels = questions.flatMap((question) => question.options).filter((option) => removals.includes(option.id));
      if (labels.length !== removals.length) throw new HttpError(422, "polls:errors.unknownOption");
      const counts = new Map(answered.map((row) => [Number(row.option_id), Number(row.n)]));
      await ctx.render("polls/remove-options.njk", {
        title: ctx.state.t("polls:options.confirmTitle"),
        content,
        poll,
        removing: labels.map((option) => ({ id: option.id, label: option.label, answers: counts.get(option.id) ?? 0 })),
        additions: [...additions].map(([questionId, lines]) => ({ name: `add${questionId}`, value: lines.join("\n") })),
      });
      return;
    }
    await editOptions(host.sequelize, poll, questions, additions, removals, ctx.state.user!.id);
    await publishResults(host, content);
    flash(ctx, "success", "polls:options.saved");
    ctx.redirect(`/c/${content.id}`);
    ctx.status = 303;
  });

  // A member adds an option, where the poll lets members do so and they may answer.
  const optionForm = z.object({ label: z.string().trim().min(1, "polls:errors.optionLength").max(200, "polls:errors.optionLength") });
  router.post("/:contentId/options", requireUser, async (ctx) => {
    const { content, poll } = await readablePoll(ctx);
    const item = await itemFor(ctx, content);
    if (content.deletedAt || !item.isOpen) throw closedError();
    if (!poll.membersAddOptions || !item.isEligible) throw forbidden();
    const question = item.questions.find((entry) => entry.kind === "single" || entry.kind === "multiple" || entry.kind === "ranked");
    if (!question) throw forbidden();
    const form = validateForm(optionForm, ctx.state.body);
    if (form.errors) throw new HttpError(422, form.errors.label ?? "polls:errors.optionLength");
    await addOption(host.sequelize, poll, question, form.data.label, ctx.state.user!.id);
    await publishResults(host, content);
    flash(ctx, "success", "polls:optionAdded");
    ctx.redirect(typeof ctx.state.body.returnTo === "string" ? safeNext(ctx.state.body.returnTo) : `/c/${content.id}`);
    ctx.status = 303;
  });

  return router;
}
