import { QueryTypes, UniqueConstraintError } from "sequelize";
import { Content, User, type Container, type ContentPolicy, type ContentTypeDefinition, type Host } from "../../core/sdk/index.ts";
import { now } from "./clock.ts";
import { refused } from "./rules.ts";
import { YearBallot, YearCandidate, YearVote } from "./models.ts";

export const yearResultType = "message-of-the-year";
const companyStream: Container = { type: "company", id: 0, slug: "company", name: "company" };

/**
 * The year's most awarded posts that every member may read (company stream and profiles), for the
 * shortlist: its result is posted to the company stream, so a private group's post is never a candidate.
 */
export async function yearSuggestions(host: Host, year: number, limit = 10) {
  const rows = await host.sequelize.query<{ id: number; author: string; points: number | string }>(
    `SELECT c.id, u.display_name AS author, SUM(a.points) AS points
     FROM recognition_awards a
     JOIN contents c ON c.id = a.content_id AND c.deleted_at IS NULL AND c.hidden_at IS NULL AND c.container_type IN ('company', 'user')
     JOIN users u ON u.id = c.author_id
     WHERE a.created_at >= :from AND a.created_at < :to
     GROUP BY c.id, u.display_name ORDER BY SUM(a.points) DESC, c.id ASC LIMIT :limit`,
    { replacements: { from: new Date(Date.UTC(year, 0, 1)), to: new Date(Date.UTC(year + 1, 0, 1)), limit }, type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({ contentId: Number(row.id), author: row.author, points: Number(row.points) }));
}

/** Votes per candidate, most first; a tie goes to the post with more jury points that year, then to the older post. */
export async function tally(host: Host, year: number) {
  const candidates = await YearCandidate.findAll({ where: { year } });
  const ballots = await YearBallot.findAll({ where: { year } });
  const points = new Map((await yearSuggestions(host, year, 1000)).map((row) => [row.contentId, row.points]));
  return candidates
    .map((candidate) => ({ contentId: candidate.contentId, votes: ballots.filter((ballot) => ballot.contentId === candidate.contentId).length, points: points.get(candidate.contentId) ?? 0 }))
    .sort((a, b) => b.votes - a.votes || b.points - a.points || a.contentId - b.contentId);
}

/** One juror's vote: for a candidate of a vote still open, once a year, never their own post. */
export async function castVote(policy: ContentPolicy, year: number, contentId: number) {
  const vote = await YearVote.findByPk(year);
  if (!vote || vote.status !== "voting") throw refused("voteClosed");
  if (!(await YearCandidate.findOne({ where: { year, contentId } }))) throw refused("notCandidate");
  const content = await Content.findByPk(contentId);
  if (!content || content.deletedAt) throw refused("notCandidate");
  if (content.authorId === policy.user!.id) throw refused("ownContent");
  if (await YearBallot.findOne({ where: { year, jurorId: policy.user!.id } })) throw refused("alreadyVoted");
  try {
    await YearBallot.create({ year, jurorId: policy.user!.id, contentId, createdAt: now() });
  } catch (error) {
    if (error instanceof UniqueConstraintError) throw refused("alreadyVoted"); // two clicks at once: one vote
    throw error;
  }
}

/** Closes the vote and posts the result to the company stream, as the admin who closed it. */
export async function closeVote(host: Host, policy: ContentPolicy, year: number) {
  const vote = await YearVote.findByPk(year);
  if (!vote || vote.status !== "voting") throw refused("voteClosed");
  const [winner] = await tally(host, year);
  if (!winner || winner.votes === 0) throw refused("noVotes");
  await vote.update({ status: "closed", winnerContentId: winner.contentId, closedAt: now() });
  const result = await host.content.create(policy, { type: yearResultType, container: companyStream, refId: year, text: null });
  await vote.update({ resultContentId: result.id });
  return result;
}

/** The result's entry: the year, a link to the winning post, its author and votes. */
export function yearResultContentType(host: Host): ContentTypeDefinition {
  return {
    type: yearResultType,
    template: "recognition/year-result.njk",
    async load(refIds) {
      const votes = await YearVote.findAll({ where: { year: refIds } });
      const winners = new Map((await Content.findAll({ where: { id: votes.map((vote) => vote.winnerContentId ?? 0) }, attributes: ["id", "authorId"] })).map((content) => [content.id, content]));
      const authors = new Map((await User.findAll({ where: { id: [...winners.values()].map((content) => content.authorId) }, attributes: ["id", "displayName"] })).map((user) => [user.id, user.displayName]));
      const counts = await host.sequelize.query<{ year: number; n: number | string }>("SELECT year, COUNT(*) AS n FROM recognition_year_ballots WHERE year IN (:years) AND content_id IN (:winners) GROUP BY year", {
        replacements: { years: refIds, winners: votes.map((vote) => vote.winnerContentId ?? 0) },
        type: QueryTypes.SELECT,
      });
      return new Map(
        votes.map((vote) => {
          const winner = winners.get(vote.winnerContentId ?? 0);
          return [vote.year, { year: vote.year, url: `/c/${vote.winnerContentId}`, author: winner ? (authors.get(winner.authorId) ?? "") : "", votes: Number(counts.find((row) => Number(row.year) === vote.year)?.n ?? 0) }];
        }),
      );
    },
  };
}
