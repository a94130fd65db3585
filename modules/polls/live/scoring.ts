import { QueryTypes, type Sequelize } from "sequelize";
import { scoreOf, timeBonusOf } from "../quiz.ts";
import type { ParsedAnswer, QuestionView, TallyData } from "../tallies/index.ts";

/**
 * What one live answer scores: the question's points when right (quiz.ts's rule), and where the quiz gives a time
 * bonus, up to half again in proportion to the time left of the bonus window, counted from the moment the server
 * recorded the question's opening.
 */
export function liveScoreOf(question: QuestionView, answer: ParsedAnswer, options: { timeBonus: boolean; openedAt: Date; now: Date; bonusSeconds: number }) {
  const { score } = scoreOf([question], new Map([[question.id, answer]]));
  const elapsed = Math.max(0, (options.now.getTime() - options.openedAt.getTime()) / 1000);
  const bonus = options.timeBonus && score > 0 ? timeBonusOf(score, elapsed, options.bonusSeconds) : 0;
  return { score, bonus };
}

export interface RankingRow {
  place: number;
  name: string;
  score: number;
}

/**
 * The running ranking of a live run: each person's total, best first. Those who keep their name off quiz
 * leaderboards are left out of what is shown (places count only those shown); everyone's own total is in `totals`.
 */
export async function rankingOf(sequelize: Sequelize, sessionId: number, limit = 10) {
  const rows = await sequelize.query<{ user_id: number; name: string; total: number | string; opted_out: number | string | boolean }>(
    `SELECT a.user_id, u.display_name AS name, SUM(a.score + a.bonus) AS total,
       CASE WHEN o.user_id IS NULL THEN 0 ELSE 1 END AS opted_out
     FROM quiz_live_answers a JOIN users u ON u.id = a.user_id
     LEFT JOIN quiz_leaderboard_optouts o ON o.user_id = a.user_id
     WHERE a.session_id = :sessionId GROUP BY a.user_id, u.display_name, o.user_id`,
    { replacements: { sessionId }, type: QueryTypes.SELECT },
  );
  const totals = new Map(rows.map((row) => [Number(row.user_id), Number(row.total)]));
  const shown = rows
    .filter((row) => Number(row.opted_out) === 0)
    .map((row) => ({ name: row.name, score: Number(row.total) }))
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  // Equal totals share a place.
  const ranking: RankingRow[] = [];
  shown.forEach((row, index) => ranking.push({ ...row, place: index > 0 && shown[index - 1].score === row.score ? ranking[index - 1].place : index + 1 }));
  return { ranking: ranking.slice(0, limit), totals, participants: rows.length };
}

/** How many answered the question so far, and (for the reveal) how often each option was chosen, as the tallies read it. */
export async function questionCounts(sequelize: Sequelize, sessionId: number, questionId: number): Promise<TallyData> {
  const [answered] = await sequelize.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM quiz_live_answers WHERE session_id = :sessionId AND question_id = :questionId", {
    replacements: { sessionId, questionId },
    type: QueryTypes.SELECT,
  });
  const choices = await sequelize.query<{ option_id: number; n: number | string }>(
    "SELECT option_id, COUNT(*) AS n FROM quiz_live_choices WHERE session_id = :sessionId AND question_id = :questionId GROUP BY option_id",
    { replacements: { sessionId, questionId }, type: QueryTypes.SELECT },
  );
  return {
    answers: Number(answered?.n ?? 0),
    choiceCounts: new Map(choices.map((row) => [Number(row.option_id), Number(row.n)])),
    valueCounts: new Map(),
    texts: [],
    rankings: [],
  };
}
