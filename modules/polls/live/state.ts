import { randomBytes } from "node:crypto";
import { QueryTypes, UniqueConstraintError, type Sequelize } from "sequelize";
import { HttpError } from "../../../core/sdk/index.ts";
import type { Poll } from "../models.ts";
import { tallies, type ParsedAnswer, type QuestionResult, type QuestionView } from "../tallies/index.ts";
import { LiveSession, type LivePhase } from "./models.ts";
import { questionCounts, rankingOf, type RankingRow } from "./scoring.ts";

/** The presenter's form was drawn before another move (a double click, a second presenter): nothing changes. */
export const movedError = () => new HttpError(409, "polls:live.errors.moved");
/** An answer to a question that is no longer open (closed by the presenter, or another question now). */
export const liveClosedError = () => new HttpError(409, "polls:live.errors.closed");

/** Starts the quiz's live run in its lobby; a second start finds the run already there (one per quiz, by unique index). */
export async function startSession(poll: Poll, presenterId: number, bonusSeconds: number, now: Date) {
  try {
    return await LiveSession.create({ pollId: poll.id, presenterId, bonusSeconds, startedAt: now });
  } catch (error) {
    if (!(error instanceof UniqueConstraintError)) throw error;
    return (await LiveSession.findOne({ where: { pollId: poll.id } }))!;
  }
}

/**
 * Moves the run from the step the presenter saw: one conditional UPDATE, so two moves sent at once (or from two
 * processes) cannot both happen; the loser is told the quiz moved on.
 */
export async function moveSession(
  sequelize: Sequelize,
  session: LiveSession,
  seenStep: number,
  from: LivePhase[],
  to: { phase: LivePhase; position?: number; questionId?: number | null; openedAt?: Date | null },
) {
  const [, changed] = await sequelize.query(
    `UPDATE quiz_live_sessions SET phase = :phase, step = step + 1, position = :position, question_id = :questionId, opened_at = :openedAt
     WHERE id = :id AND step = :seenStep AND phase IN (:from)`,
    {
      replacements: {
        id: session.id,
        seenStep,
        from,
        phase: to.phase,
        position: to.position ?? session.position,
        questionId: to.questionId === undefined ? session.questionId : to.questionId,
        openedAt: to.openedAt === undefined ? session.openedAt : to.openedAt,
      },
      type: QueryTypes.UPDATE,
    },
  );
  if (Number(changed) !== 1) throw movedError();
}

/** Ends the run from whatever phase it is in (finishing twice is no error: the second changes nothing). */
export async function finishSession(sequelize: Sequelize, session: LiveSession, now: Date) {
  await sequelize.query("UPDATE quiz_live_sessions SET phase = 'finished', step = step + 1, finished_at = :now WHERE id = :id AND phase <> 'finished'", {
    replacements: { id: session.id, now },
    type: QueryTypes.UPDATE,
  });
}

/**
 * Records one answer to the open question: written only while the run is still at the step the answer was scored
 * for (the INSERT's own condition, so a close that committed first wins and nothing is kept), once per person and
 * question (unique index), with its chosen options for the distribution, in one transaction.
 */
export async function recordAnswer(
  sequelize: Sequelize,
  session: LiveSession,
  input: { questionId: number; userId: number; answer: ParsedAnswer; score: number; bonus: number; now: Date },
) {
  const id = randomBytes(12).toString("hex");
  try {
    await sequelize.transaction(async (transaction) => {
      await sequelize.query(
        `INSERT INTO quiz_live_answers (id, session_id, question_id, user_id, score, bonus, answered_at)
         SELECT :id, s.id, :questionId, :userId, :score, :bonus, :now FROM quiz_live_sessions s
         WHERE s.id = :sessionId AND s.step = :step AND s.phase = 'question' AND s.question_id = :questionId`,
        { replacements: { id, sessionId: session.id, step: session.step, questionId: input.questionId, userId: input.userId, score: input.score, bonus: input.bonus, now: input.now }, transaction },
      );
      const [written] = await sequelize.query("SELECT id FROM quiz_live_answers WHERE id = :id", { replacements: { id }, type: QueryTypes.SELECT, transaction });
      if (!written) throw liveClosedError();
      for (const choice of input.answer.choices ?? []) {
        await sequelize.query("INSERT INTO quiz_live_choices (answer_id, option_id, session_id, question_id) VALUES (:id, :optionId, :sessionId, :questionId)", {
          replacements: { id, optionId: choice.optionId, sessionId: session.id, questionId: input.questionId },
          transaction,
        });
      }
    });
  } catch (error) {
    if (error instanceof UniqueConstraintError) throw new HttpError(409, "polls:live.errors.alreadyAnswered");
    throw error;
  }
}

/** What a live page shows one viewer: the phase, the current question (right answers only once revealed), counts, scores. */
export interface LiveView {
  contentId: number;
  title: string;
  watch: string;
  session: { phase: LivePhase; step: number; position: number; bonusSeconds: number } | null;
  total: number;
  question: (Omit<QuestionView, "options"> & { options: { id: number; label: string; isCorrect: boolean }[] }) | null;
  isRevealed: boolean;
  answered: number;
  /** The reveal's figures, drawn by the module's results template (SVG chart and table). */
  results: { question: QuestionView; result: QuestionResult }[];
  ranking: RankingRow[];
  participants: number;
  timeBonus: boolean;
  own: { total: number; hasAnswered: boolean; last: { score: number; bonus: number } | null } | null;
}

export async function liveView(sequelize: Sequelize, poll: Poll, contentId: number, watch: string, questions: QuestionView[], viewerId: number | null): Promise<LiveView> {
  const session = await LiveSession.findOne({ where: { pollId: poll.id } });
  const view: LiveView = {
    contentId,
    title: poll.title,
    watch,
    session: session ? { phase: session.phase, step: session.step, position: session.position, bonusSeconds: session.bonusSeconds } : null,
    total: questions.length,
    question: null,
    isRevealed: false,
    answered: 0,
    results: [],
    ranking: [],
    participants: 0,
    timeBonus: poll.timeBonus,
    own: null,
  };
  if (!session) return view;
  const question = questions.find((entry) => entry.id === session.questionId) ?? null;
  view.isRevealed = session.phase === "reveal" || session.phase === "finished";
  if (question && session.phase !== "lobby") {
    // Before the reveal nobody's page carries which options are right.
    view.question = { ...question, explanation: view.isRevealed ? question.explanation : null, options: question.options.filter((option) => !option.isRemoved).map((option) => ({ id: option.id, label: option.label, isCorrect: view.isRevealed && option.isCorrect })) };
    const counts = await questionCounts(sequelize, session.id, question.id);
    view.answered = counts.answers;
    if (view.isRevealed) view.results = [{ question, result: tallies[question.kind].result(question, counts) }];
  }
  const { ranking, totals, participants } = await rankingOf(sequelize, session.id);
  view.ranking = ranking;
  view.participants = participants;
  if (viewerId) {
    const [mine] = question
      ? await sequelize.query<{ score: number; bonus: number }>("SELECT score, bonus FROM quiz_live_answers WHERE session_id = :sessionId AND question_id = :questionId AND user_id = :viewerId", {
          replacements: { sessionId: session.id, questionId: question.id, viewerId },
          type: QueryTypes.SELECT,
        })
      : [];
    view.own = { total: totals.get(viewerId) ?? 0, hasAnswered: Boolean(mine), last: mine ? { score: Number(mine.score), bonus: Number(mine.bonus) } : null };
  }
  return view;
}
