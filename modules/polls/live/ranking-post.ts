import { QueryTypes } from "sequelize";
import { Content, type ContentPolicy, type ContentTypeDefinition, type Host } from "../../../core/sdk/index.ts";
import { Poll } from "../models.ts";
import { postOnce } from "../post-once.ts";
import { LiveSession } from "./models.ts";
import type { RankingRow } from "./scoring.ts";

/**
 * The content type of a live quiz's final ranking in the stream: its ref_id is the quiz's poll (one live run per quiz,
 * like a contest's winner announcement), so whatever removes a poll for good can take its entries along by ref_id.
 * Only the finish writes it.
 */
export const liveRankingType = "quiz-live-ranking";

/** Posts the final ranking of a finished live run in the quiz's container, once; nothing when nobody answered. */
export async function postFinalRanking(host: Host, actor: ContentPolicy, quiz: Content, session: { id: number; pollId: number }, ranking: RankingRow[], participants: number, now: Date) {
  if (participants === 0) return false;
  const stored = JSON.stringify({ ranking, participants });
  return postOnce(host, actor, quiz, {
    type: liveRankingType,
    refId: session.pollId,
    guard: async (transaction) => {
      const [, changed] = await host.sequelize.query(
        "UPDATE quiz_live_sessions SET ranking_posted_at = :now, ranking = :stored WHERE id = :id AND phase = 'finished' AND ranking_posted_at IS NULL",
        { replacements: { now, stored, id: session.id }, type: QueryTypes.UPDATE, transaction },
      );
      return Number(changed);
    },
  });
}

export interface LiveRankingItem {
  title: string;
  quizContentId: number | null;
  ranking: RankingRow[];
  participants: number;
}

/** The ranking's entry: the quiz's title and the ranking as it stood at the finish. */
export function liveRankingContentType(): ContentTypeDefinition {
  return {
    type: liveRankingType,
    template: "polls/live/ranking-entry.njk",
    async load(refIds) {
      const sessions = await LiveSession.findAll({ where: { pollId: refIds }, attributes: ["id", "pollId", "ranking"] });
      const polls = new Map((await Poll.findAll({ where: { id: sessions.map((session) => session.pollId) }, attributes: ["id", "title"] })).map((poll) => [poll.id, poll.title]));
      const quizzes = new Map((await Content.findAll({ where: { type: "quiz", refId: sessions.map((session) => session.pollId) }, attributes: ["id", "refId"] })).map((content) => [content.refId, content.id]));
      return new Map(
        sessions.map((session) => {
          const stored = JSON.parse(session.ranking ?? "{}") as { ranking?: RankingRow[]; participants?: number };
          return [session.pollId, { title: polls.get(session.pollId) ?? "", quizContentId: quizzes.get(session.pollId) ?? null, ranking: stored.ranking ?? [], participants: stored.participants ?? 0 } satisfies LiveRankingItem];
        }),
      );
    },
  };
}
