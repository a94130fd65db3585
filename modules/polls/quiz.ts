import { QueryTypes, type Sequelize } from "sequelize";
import type { ParsedAnswer, QuestionView } from "./tallies/index.ts";

/** Seconds allowed past the limit for the page to travel: a submission later than this scores nothing. */
export const graceSeconds = 5;

/**
 * A timed attempt's bonus: up to half the score again, in proportion to the time left (nothing once the limit
 * is reached). Elapsed and limit in seconds.
 */
export function timeBonusOf(score: number, elapsedSeconds: number, limitSeconds: number): number {
  const left = Math.max(0, limitSeconds - elapsedSeconds) / limitSeconds;
  return Math.round((score * left) / 2);
}

/** A right answer scores the question's points: the one right option, or exactly the right set of a multiple choice. */
export function scoreOf(questions: QuestionView[], answers: Map<number, ParsedAnswer>): { score: number; maxScore: number } {
  let score = 0;
  let maxScore = 0;
  for (const question of questions) {
    maxScore += question.points;
    const chosen = new Set((answers.get(question.id)?.choices ?? []).map((choice) => choice.optionId));
    const right = new Set(question.options.filter((option) => option.isCorrect).map((option) => option.id));
    if (chosen.size > 0 && chosen.size === right.size && [...chosen].every((id) => right.has(id))) score += question.points;
  }
  return { score, maxScore };
}

export interface QuizState {
  /** The start of the attempt under way at a timed quiz, if any. */
  startedAt?: Date;
  attemptsUsed: number;
  lastScore: number | null;
  bestScore: number | null;
}

export const leaderboardSize = 10;

/** The viewer's attempts at these quizzes, and whether they keep off leaderboards (two queries for a page). */
export async function quizStates(sequelize: Sequelize, pollIds: number[], viewerId: number | null) {
  const states = new Map<number, QuizState>(pollIds.map((id) => [id, { attemptsUsed: 0, lastScore: null, bestScore: null }]));
  if (!viewerId || pollIds.length === 0) return { states, isOptedOut: false };
  const rows = await sequelize.query<{ poll_id: number; attempt: number; score: number }>(
    "SELECT poll_id, attempt, score + bonus AS score FROM quiz_attempts WHERE user_id = :viewerId AND poll_id IN (:pollIds) ORDER BY poll_id, attempt",
    { replacements: { viewerId, pollIds }, type: QueryTypes.SELECT },
  );
  for (const row of rows) {
    const state = states.get(Number(row.poll_id))!;
    state.attemptsUsed = Math.max(state.attemptsUsed, Number(row.attempt));
    state.lastScore = Number(row.score);
    state.bestScore = Math.max(state.bestScore ?? 0, Number(row.score));
  }
  const [optout] = await sequelize.query("SELECT user_id FROM quiz_leaderboard_optouts WHERE user_id = :viewerId", { replacements: { viewerId }, type: QueryTypes.SELECT });
  const starts = await sequelize.query<{ poll_id: number; attempt: number; started_at: unknown }>(
    "SELECT poll_id, attempt, started_at FROM quiz_starts WHERE user_id = :viewerId AND poll_id IN (:pollIds)",
    { replacements: { viewerId, pollIds }, type: QueryTypes.SELECT },
  );
  for (const start of starts) {
    const state = states.get(Number(start.poll_id))!;
    if (Number(start.attempt) === state.attemptsUsed + 1) state.startedAt = new Date(start.started_at as string);
  }
  return { states, isOptedOut: Boolean(optout) };
}

/** Each quiz's best scores by person, highest first, without those who opted out (one query for a page). */
export async function leaderboards(sequelize: Sequelize, pollIds: number[]): Promise<Map<number, { name: string; score: number }[]>> {
  const boards = new Map<number, { name: string; score: number }[]>(pollIds.map((id) => [id, []]));
  if (pollIds.length === 0) return boards;
  const rows = await sequelize.query<{ poll_id: number; name: string; best: number | string }>(
    `SELECT a.poll_id, u.display_name AS name, MAX(a.score + a.bonus) AS best FROM quiz_attempts a JOIN users u ON u.id = a.user_id
     WHERE a.poll_id IN (:pollIds) AND NOT EXISTS (SELECT 1 FROM quiz_leaderboard_optouts o WHERE o.user_id = a.user_id)
     GROUP BY a.poll_id, a.user_id, u.display_name`,
    { replacements: { pollIds }, type: QueryTypes.SELECT },
  );
  for (const row of rows) boards.get(Number(row.poll_id))!.push({ name: row.name, score: Number(row.best) });
  for (const board of boards.values()) {
    board.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
    board.splice(leaderboardSize);
  }
  return boards;
}
