import { QueryTypes, type Sequelize } from "sequelize";
import { Poll, PollOption, PollQuestion, type ResultVisibility } from "./models.ts";
import type { ParsedAnswer, QuestionView, TallyData } from "./tallies/index.ts";

/** A poll as its entry, its page and its ballot read it: questions in order, and what the viewer did. */
export interface PollView {
  poll: Poll;
  questions: QuestionView[];
  participants: number;
  hasAnswered: boolean;
  /** The viewer's own answers, by question (named polls only: an anonymous answer cannot be found again). */
  own: Map<number, ParsedAnswer>;
  data: Map<number, TallyData>;
}

type Count = number | string;
const numberOf = (value: Count) => Number(value);

/** The polls' questions and options, in order, for a set of poll ids (two queries). */
export async function questionsOf(pollIds: number[]): Promise<Map<number, QuestionView[]>> {
  const byPoll = new Map<number, QuestionView[]>(pollIds.map((id) => [id, []]));
  if (pollIds.length === 0) return byPoll;
  const [questions, options] = await Promise.all([
    PollQuestion.findAll({ where: { pollId: pollIds }, order: [["position", "ASC"]] }),
    PollOption.findAll({ where: { pollId: pollIds }, order: [["position", "ASC"], ["id", "ASC"]] }),
  ]);
  const views = new Map<number, QuestionView>();
  for (const question of questions) {
    const view: QuestionView = {
      id: question.id,
      position: question.position,
      kind: question.kind,
      prompt: question.prompt,
      isRequired: question.isRequired,
      minChoices: question.minChoices,
      maxChoices: question.maxChoices,
      scaleMin: question.scaleMin,
      scaleMax: question.scaleMax,
      points: question.points,
      explanation: question.explanation,
      options: [],
    };
    views.set(question.id, view);
    byPoll.get(question.pollId)?.push(view);
  }
  for (const option of options) views.get(option.questionId)?.options.push({ id: option.id, label: option.label, isRemoved: option.removedAt !== null, isCorrect: option.isCorrect, isPending: option.isPending, addedBy: option.addedBy, imageFileId: option.imageFileId });
  return byPoll;
}

const emptyData = (): TallyData => ({ answers: 0, choiceCounts: new Map(), valueCounts: new Map(), texts: [], rankings: [] });
const textsShown = 50;

/** Counts for these questions in grouped queries (never one per poll); ranked ballots and texts only where asked. */
export async function tallyData(sequelize: Sequelize, questions: QuestionView[]): Promise<Map<number, TallyData>> {
  const data = new Map(questions.map((question) => [question.id, emptyData()]));
  if (questions.length === 0) return data;
  const ids = questions.map((question) => question.id);
  const select = <T extends object>(sql: string, replacements: Record<string, unknown>) => sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT });
  const values = await select<{ question_id: number; value: number | null; n: Count }>(
    "SELECT question_id, value, COUNT(*) AS n FROM poll_answers WHERE question_id IN (:ids) GROUP BY question_id, value",
    { ids },
  );
  for (const row of values) {
    const entry = data.get(Number(row.question_id))!;
    entry.answers += numberOf(row.n);
    if (row.value !== null) entry.valueCounts.set(Number(row.value), numberOf(row.n));
  }
  const choiceIds = questions.filter((question) => question.kind === "single" || question.kind === "multiple").map((question) => question.id);
  if (choiceIds.length > 0) {
    const counts = await select<{ question_id: number; option_id: number; n: Count }>(
      "SELECT question_id, option_id, COUNT(*) AS n FROM poll_answer_choices WHERE question_id IN (:ids) GROUP BY question_id, option_id",
      { ids: choiceIds },
    );
    for (const row of counts) data.get(Number(row.question_id))!.choiceCounts.set(Number(row.option_id), numberOf(row.n));
  }
  const rankedIds = questions.filter((question) => question.kind === "ranked").map((question) => question.id);
  if (rankedIds.length > 0) {
    const rows = await select<{ answer_id: string; question_id: number; option_id: number }>(
      "SELECT answer_id, question_id, option_id FROM poll_answer_choices WHERE question_id IN (:ids) ORDER BY answer_id, rank",
      { ids: rankedIds },
    );
    const ballots = new Map<string, number[]>();
    for (const row of rows) {
      let ranking = ballots.get(row.answer_id);
      if (!ranking) {
        ranking = [];
        ballots.set(row.answer_id, ranking);
        data.get(Number(row.question_id))!.rankings.push(ranking);
      }
      ranking.push(Number(row.option_id));
    }
  }
  const textIds = questions.filter((question) => question.kind === "text").map((question) => question.id);
  if (textIds.length > 0) {
    // Ordered by the text itself (no order of arrival to read from the list), the first few of each question, in one query.
    const rows = await select<{ question_id: number; text: string }>(
      `SELECT question_id, text FROM (SELECT question_id, text, ROW_NUMBER() OVER (PARTITION BY question_id ORDER BY text) AS place
       FROM poll_answers WHERE question_id IN (:ids) AND text IS NOT NULL) ranked WHERE place <= ${textsShown} ORDER BY question_id, text`,
      { ids: textIds },
    );
    for (const row of rows) data.get(Number(row.question_id))!.texts.push(row.text);
  }
  return data;
}

/** Who took part, per poll (for countIds: the others are known), and whether the viewer did (two queries for a page of polls). */
export async function participationOf(sequelize: Sequelize, pollIds: number[], viewerId: number | null, countIds: number[] = pollIds) {
  const select = <T extends object>(sql: string, replacements: Record<string, unknown>) => sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT });
  const counts = countIds.length === 0 ? [] : await select<{ poll_id: number; n: Count }>("SELECT poll_id, COUNT(*) AS n FROM poll_participations WHERE poll_id IN (:countIds) GROUP BY poll_id", { countIds });
  const mine = viewerId ? await select<{ poll_id: number }>("SELECT poll_id FROM poll_participations WHERE user_id = :viewerId AND poll_id IN (:pollIds)", { pollIds, viewerId }) : [];
  return { counts: new Map(counts.map((row) => [Number(row.poll_id), numberOf(row.n)])), answered: new Set(mine.map((row) => Number(row.poll_id))) };
}

/** The viewer's own answers in named polls, by question: to show their choice and let them change it. */
export async function ownAnswers(sequelize: Sequelize, pollIds: number[], viewerId: number): Promise<Map<number, ParsedAnswer>> {
  const rows = await sequelize.query<{ question_id: number; value: number | null; text: string | null; option_id: number | null; rank: number | null }>(
    `SELECT a.question_id, a.value, a.text, c.option_id, c.rank FROM poll_answers a LEFT JOIN poll_answer_choices c ON c.answer_id = a.id
     WHERE a.user_id = :viewerId AND a.poll_id IN (:pollIds)`,
    { replacements: { viewerId, pollIds }, type: QueryTypes.SELECT },
  );
  const own = new Map<number, ParsedAnswer>();
  for (const row of rows) {
    const answer = own.get(Number(row.question_id)) ?? {};
    if (row.value !== null) answer.value = Number(row.value);
    if (row.text !== null) answer.text = row.text;
    if (row.option_id !== null) (answer.choices ??= []).push({ optionId: Number(row.option_id), rank: row.rank === null ? null : Number(row.rank) });
    own.set(Number(row.question_id), answer);
  }
  return own;
}

/** Whether a viewer sees the figures: always, once they answered, once closed, or only the author; the author and the container's managers always do. */
export function maySeeResults(visibility: ResultVisibility, state: { isOpen: boolean; hasAnswered: boolean; isManager: boolean }): boolean {
  if (state.isManager) return true;
  if (visibility === "always") return true;
  if (visibility === "answered") return state.hasAnswered || !state.isOpen;
  if (visibility === "closed") return !state.isOpen;
  return false;
}
