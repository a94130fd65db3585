import { QueryTypes } from "sequelize";
import { Content, User, type ContentTypeDefinition, type Host } from "../../core/sdk/index.ts";
import { clock } from "./clock.ts";
import { juriedPolls, sameScore, seatedJurors, standingsOf } from "./jury.ts";
import { Poll } from "./models.ts";
import { postOnce } from "./post-once.ts";

/** The content type of a contest's winner announcement: its ref_id is the contest's poll; no composer (only the close writes it). */
export const winnerType = "contest-winner";

export interface Winner {
  entry: string;
  person: string;
  votes: number;
  /** Contests with a jury: the entry's jury average (0–10, null when unscored) and combined score (0–1, see jury.ts). */
  juryAverage?: number | null;
  combined?: number;
}

/** A juried contest's winners: the approved entries with the best combined score (several on a tie), none when all score 0. */
async function juryWinnersOf(host: Host, poll: Poll): Promise<Winner[]> {
  const rows = (await standingsOf(host.sequelize, [poll], await seatedJurors(host, [poll]))).get(poll.id) ?? [];
  const best = rows[0]?.combined ?? 0;
  if (best <= 0) return [];
  const top = rows.filter((row) => sameScore(row.combined, best));
  const people = await User.findAll({ where: { id: top.flatMap((row) => (row.addedBy ? [row.addedBy] : [])) }, attributes: ["id", "displayName"] });
  const nameOf = new Map(people.map((person) => [person.id, person.displayName]));
  return top.map((row) => ({ entry: row.label, person: (row.addedBy && nameOf.get(row.addedBy)) || "?", votes: row.votes, juryAverage: row.juryAverage, combined: row.combined }));
}

/** The approved entries with the most votes (several on a tie), none when nobody voted. */
async function winnersOf(host: Host, pollId: number): Promise<Winner[]> {
  const rows = await host.sequelize.query<{ label: string; added_by: number | null; votes: number | string }>(
    `SELECT o.id, o.label, o.added_by, COUNT(c.option_id) AS votes FROM poll_options o
     LEFT JOIN poll_answer_choices c ON c.option_id = o.id
     WHERE o.poll_id = :pollId AND o.removed_at IS NULL AND NOT o.is_pending
     GROUP BY o.id, o.label, o.added_by ORDER BY o.id`,
    { replacements: { pollId }, type: QueryTypes.SELECT },
  );
  const best = Math.max(0, ...rows.map((row) => Number(row.votes)));
  if (best === 0) return [];
  const top = rows.filter((row) => Number(row.votes) === best);
  const people = await User.findAll({ where: { id: top.flatMap((row) => (row.added_by ? [row.added_by] : [])) }, attributes: ["id", "displayName"] });
  const nameOf = new Map(people.map((person) => [person.id, person.displayName]));
  return top.map((row) => ({ entry: row.label, person: (row.added_by && nameOf.get(row.added_by)) || "?", votes: best }));
}

/**
 * Posts "Winner of <contest>: <entry> by <person>" in the contest's container, written by the contest's author,
 * once a contest is closed. Exactly once: the announcement's content is written in the same transaction as an
 * UPDATE that sets polls.winner_announced_at only where it is still empty; a second close (concurrent, repeated,
 * or after a reopen) updates no row and rolls its content back. A contest nobody voted in announces nothing.
 */
export async function announceWinner(host: Host, pollId: number) {
  const poll = await Poll.findByPk(pollId);
  if (!poll || poll.kind !== "contest" || poll.winnerAnnouncedAt || poll.isOpenAt(clock.now())) return;
  const contest = await Content.findOne({ where: { type: "contest", refId: poll.id } });
  const author = await User.findByPk(poll.authorId);
  if (!contest || contest.deletedAt || !author) return;
  // With a jury, the combined ranking decides (jury.ts); without one, the most votes.
  const winners = (await juriedPolls([poll.id])).has(poll.id) ? await juryWinnersOf(host, poll) : await winnersOf(host, poll.id);
  if (winners.length === 0) return;
  try {
    await postOnce(host, host.policyFor(author), contest, {
      type: winnerType,
      refId: poll.id,
      guard: async (transaction) => {
        const [, changed] = await host.sequelize.query("UPDATE polls SET winner_announced_at = :now, winners = :winners WHERE id = :id AND winner_announced_at IS NULL", {
          replacements: { now: clock.now(), winners: JSON.stringify(winners), id: poll.id },
          type: QueryTypes.UPDATE,
          transaction,
        });
        return Number(changed);
      },
    });
  } catch (error) {
    // The author may no longer post there (left the group, archived): the close stands, without an announcement.
    host.logger.warn({ err: error, pollId: poll.id }, "contest winner not announced");
  }
}

export interface WinnerItem {
  title: string;
  contestContentId: number | null;
  winners: Winner[];
}

/** The announcement's entry: the contest's title and its winners, as stored at the close. */
export function winnerContentType(): ContentTypeDefinition {
  return {
    type: winnerType,
    template: "polls/winner.njk",
    async load(refIds) {
      const polls = await Poll.findAll({ where: { id: refIds }, attributes: ["id", "title", "winners"] });
      // No link to a contest in the trash (its readers would find nothing there); it comes back if restored.
      const contests = await Content.findAll({ where: { type: "contest", refId: refIds, deletedAt: null }, attributes: ["id", "refId"] });
      const contestOf = new Map(contests.map((content) => [content.refId, content.id]));
      return new Map(polls.map((poll) => [poll.id, { title: poll.title, contestContentId: contestOf.get(poll.id) ?? null, winners: JSON.parse(poll.winners ?? "[]") as Winner[] } satisfies WinnerItem]));
    },
  };
}
