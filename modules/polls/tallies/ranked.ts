import { percentOf, type QuestionView, type ResultRow, type RunoffRound, type Tally } from "./types.ts";

/**
 * Instant runoff: each round counts every ballot for its highest-ranked option still in; an option with more
 * than half of the ballots still counting wins; otherwise the option with the fewest votes goes out. A tie for
 * the fewest is broken by the earlier rounds (the one that had fewer goes, looking back round by round); still
 * tied, they go out together, unless that would leave none (then those left tie). Ballots with no option left
 * are exhausted.
 */
export function instantRunoff(options: { id: number; label: string; isRemoved?: boolean }[], ballots: number[][]): { rounds: RunoffRound[]; winners: string[] } {
  let standing = options.map((option) => option.id);
  const labelOf = new Map(options.map((option) => [option.id, option.label]));
  const rounds: RunoffRound[] = [];
  const history: Map<number, number>[] = [];
  while (standing.length > 0) {
    const counts = new Map(standing.map((id) => [id, 0]));
    let exhausted = 0;
    for (const ballot of ballots) {
      const choice = ballot.find((id) => counts.has(id));
      if (choice === undefined) exhausted += 1;
      else counts.set(choice, counts.get(choice)! + 1);
    }
    const counting = ballots.length - exhausted;
    const rows: ResultRow[] = standing.map((id) => ({ label: labelOf.get(id)!, count: counts.get(id)!, percent: percentOf(counts.get(id)!, counting) }));
    const leader = standing.find((id) => counts.get(id)! * 2 > counting);
    if (leader !== undefined || counting === 0) {
      rounds.push({ rows, eliminated: [], exhausted });
      return { rounds, winners: leader !== undefined ? [labelOf.get(leader)!] : [] };
    }
    const fewest = Math.min(...standing.map((id) => counts.get(id)!));
    let out = standing.filter((id) => counts.get(id) === fewest);
    for (const earlier of [...history].reverse()) {
      if (out.length < 2) break;
      const least = Math.min(...out.map((id) => earlier.get(id) ?? 0));
      out = out.filter((id) => (earlier.get(id) ?? 0) === least);
    }
    history.push(counts);
    if (out.length === standing.length) {
      rounds.push({ rows, eliminated: [], exhausted });
      return { rounds, winners: out.map((id) => labelOf.get(id)!) };
    }
    rounds.push({ rows, eliminated: out.map((id) => labelOf.get(id)!), exhausted });
    standing = standing.filter((id) => !out.includes(id));
  }
  return { rounds, winners: [] };
}

/** Reads q<question>-o<option> = rank (1, 2, ...; empty leaves the option unranked): ranks unique and from 1 without a gap. */
function parseRanking(question: QuestionView, body: Record<string, unknown>) {
  const prefix = `q${question.id}-o`;
  const ranks: { optionId: number; rank: number }[] = [];
  for (const [name, raw] of Object.entries(body)) {
    if (!name.startsWith(prefix)) continue;
    const optionId = Number(name.slice(prefix.length));
    if (!question.options.some((option) => option.id === optionId && !option.isRemoved)) return { error: "polls:errors.unknownOption" };
    if (raw === "") continue;
    if (typeof raw !== "string" || !/^[1-9]\d{0,2}$/.test(raw)) return { error: "polls:errors.ranking" };
    ranks.push({ optionId, rank: Number(raw) });
  }
  if (ranks.length === 0) return null;
  const sorted = ranks.map((entry) => entry.rank).sort((a, b) => a - b);
  if (sorted.some((rank, index) => rank !== index + 1)) return { error: "polls:errors.ranking" };
  if (ranks.length > question.maxChoices) return { error: "polls:errors.tooMany" };
  return { choices: ranks.map(({ optionId, rank }) => ({ optionId, rank })) };
}

/** Options in order of preference; counted by instant runoff, each round shown. */
export const rankedChoice: Tally = {
  kind: "ranked",
  parse: parseRanking,
  result(question, data) {
    const { rounds, winners } = instantRunoff(question.options, data.rankings);
    const last = rounds.at(-1);
    const facts = winners.length === 1 ? [{ key: "polls:results.winner", params: { option: winners[0] } }] : winners.length > 1 ? [{ key: "polls:results.tie", params: { options: winners.join(", ") } }] : [];
    return { kind: "ranked", answers: data.answers, rows: last?.rows ?? [], facts, rounds };
  },
};
