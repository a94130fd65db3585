import { QueryTypes, type Sequelize } from "sequelize";
import { User, type Host } from "../../core/sdk/index.ts";
import { PollJuror } from "./models.ts";

/**
 * A contest's final ranking when it has a jury. Each part is normalised to 0–1: the public vote as the entry's
 * votes divided by the most votes any approved entry got (0 when nobody voted), the jury as the entry's average
 * score divided by 10 (0 when no juror scored it). The combined score is
 *   (1 − w) × votes/maxVotes + w × juryAverage/10,   w = the contest's jury weight (percent, 50 by default) / 100.
 * Entries with the same combined score (to 1e-9) share their place.
 */
export interface Standing {
  optionId: number;
  label: string;
  addedBy: number | null;
  votes: number;
  /** The jurors' average score (0–10), or null when no juror scored the entry. */
  juryAverage: number | null;
  juryScores: number;
  /** 0–1. */
  combined: number;
}

export const sameScore = (a: number, b: number) => Math.abs(a - b) < 1e-9;

export function combine(rows: Omit<Standing, "combined">[], juryWeight: number): Standing[] {
  const maxVotes = Math.max(0, ...rows.map((row) => row.votes));
  const w = juryWeight / 100;
  return rows
    .map((row) => ({ ...row, combined: (1 - w) * (maxVotes > 0 ? row.votes / maxVotes : 0) + w * ((row.juryAverage ?? 0) / 10) }))
    .sort((a, b) => (sameScore(a.combined, b.combined) ? a.optionId - b.optionId : b.combined - a.combined));
}

/** The contests among pollIds that have at least one juror. */
export async function juriedPolls(pollIds: number[]): Promise<Map<number, number[]>> {
  const jurors = pollIds.length > 0 ? await PollJuror.findAll({ where: { pollId: pollIds }, attributes: ["pollId", "userId"], order: [["id", "ASC"]] }) : [];
  const byPoll = new Map<number, number[]>();
  for (const juror of jurors) byPoll.set(juror.pollId, [...(byPoll.get(juror.pollId) ?? []), juror.userId]);
  return byPoll;
}

/**
 * The jurors whose scores count now: those still active members of the contest's container. Decided at tally
 * time (the ranking shown, the announcement written at the close), so a juror who left the group, or whose
 * account was deactivated, no longer weighs in; one taken off the jury has no scores left (routes.ts).
 */
export async function seatedJurors(host: Pick<Host, "policyFor">, polls: { id: number; containerType: string; containerId: number }[]): Promise<Map<number, Set<number>>> {
  const seated = new Map<number, Set<number>>();
  if (polls.length === 0) return seated;
  const jurors = await juriedPolls(polls.map((poll) => poll.id));
  const people = new Map((await User.findAll({ where: { id: [...new Set([...jurors.values()].flat())] } })).map((person) => [person.id, person]));
  for (const poll of polls) {
    const kept = new Set<number>();
    for (const id of jurors.get(poll.id) ?? []) {
      const person = people.get(id);
      if (person?.isActive && (await host.policyFor(person).roleIn(poll)) !== "") kept.add(id);
    }
    seated.set(poll.id, kept);
  }
  return seated;
}

/**
 * The approved entries of these contests with their votes and jury averages, ranked (two queries whatever their
 * number). Only the scores of `seated` jurors count (seatedJurors).
 */
export async function standingsOf(sequelize: Sequelize, polls: { id: number; juryWeight: number }[], seated: Map<number, Set<number>>): Promise<Map<number, Standing[]>> {
  const result = new Map<number, Standing[]>();
  if (polls.length === 0) return result;
  const pollIds = polls.map((poll) => poll.id);
  const [votes, scores] = await Promise.all([
    sequelize.query<{ id: number; poll_id: number; label: string; added_by: number | null; votes: number | string }>(
      `SELECT o.id, o.poll_id, o.label, o.added_by, COUNT(c.option_id) AS votes FROM poll_options o
       LEFT JOIN poll_answer_choices c ON c.option_id = o.id
       WHERE o.poll_id IN (:pollIds) AND o.removed_at IS NULL AND NOT o.is_pending
       GROUP BY o.id, o.poll_id, o.label, o.added_by ORDER BY o.id`,
      { replacements: { pollIds }, type: QueryTypes.SELECT },
    ),
    sequelize.query<{ poll_id: number; option_id: number; juror_id: number; score: number | string }>(
      "SELECT poll_id, option_id, juror_id, score FROM poll_jury_scores WHERE poll_id IN (:pollIds)",
      { replacements: { pollIds }, type: QueryTypes.SELECT },
    ),
  ]);
  const juryOf = new Map<number, { total: number; n: number }>();
  for (const row of scores) {
    if (!seated.get(Number(row.poll_id))?.has(Number(row.juror_id))) continue;
    const known = juryOf.get(Number(row.option_id)) ?? { total: 0, n: 0 };
    juryOf.set(Number(row.option_id), { total: known.total + Number(row.score), n: known.n + 1 });
  }
  for (const poll of polls) {
    const rows = votes
      .filter((row) => Number(row.poll_id) === poll.id)
      .map((row) => {
        const jury = juryOf.get(Number(row.id));
        return { optionId: Number(row.id), label: row.label, addedBy: row.added_by, votes: Number(row.votes), juryAverage: jury ? jury.total / jury.n : null, juryScores: jury?.n ?? 0 };
      });
    result.set(poll.id, combine(rows, poll.juryWeight));
  }
  return result;
}
