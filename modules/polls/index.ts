import { Content, defineModule } from "../../core/sdk/index.ts";
import { handleDeadlines } from "./deadlines.ts";
import { Poll, PollAnswer, PollAnswerChoice, PollOption, PollParticipation, PollQuestion, QuizAttempt, QuizLeaderboardOptout, QuizStart, PollJuror, PollJuryScore } from "./models.ts";
import { ballotTypes, contestContentType, pollContentType, quizContentType, removePolls, surveyContentType } from "./poll-type.ts";
import { pollRoutes, publishResults } from "./routes.ts";
import { announceWinner, winnerContentType } from "./winner.ts";
import { LiveAnswer, LiveSession } from "./live/models.ts";
import { liveQuizEntries } from "./live/entry.ts";
import { liveRankingContentType } from "./live/ranking-post.ts";
import { liveQuizRoutes } from "./live/routes.ts";

/** Polls (and, on the same ballot engine, surveys): content in groups, the company stream and profiles. */
export default defineModule({
  id: "polls",
  version: "1.0.0",
  requires: ["groups"],
  scopes: ["instance", "group"],
  models: [Poll, PollQuestion, PollOption, PollParticipation, PollAnswer, PollAnswerChoice, QuizAttempt, QuizLeaderboardOptout, QuizStart, PollJuror, PollJuryScore, LiveSession, LiveAnswer],
  migrations: "migrations",
  assets: { stylesheets: ["polls.css", "live-quiz.css"], scripts: ["polls.js", "live-quiz.js"] },
  register(host) {
    host.contentType(pollContentType(host));
    host.contentType(surveyContentType(host));
    host.contentType(quizContentType(host));
    host.contentType(contestContentType(host));
    host.contentType(winnerContentType());
    host.routes(pollRoutes(host));
    // A quiz run live (live/): its pages, its final ranking in the stream, links and a "Live now" badge on quizzes.
    host.contentType(liveRankingContentType());
    host.routes(liveQuizRoutes(host));
    liveQuizEntries(host);
    handleDeadlines(host, async (poll) => {
      const content = await Content.findOne({ where: { type: ballotTypes, refId: poll.id } });
      if (content) await publishResults(host, content);
      await announceWinner(host, poll.id);
    });
  },
  // A group is being removed: its polls and every answer go with it (core then deletes its contents).
  async onContainerRemoved(container, { transaction }) {
    const polls = await Poll.findAll({ where: { containerType: container.type, containerId: container.id }, attributes: ["id"], transaction });
    await removePolls(polls.map((poll) => poll.id), transaction);
  },
});
