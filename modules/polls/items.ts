import type { Content, ContentPolicy, Host } from "../../core/sdk/index.ts";
import { clock } from "./clock.ts";
import { juriedPolls, seatedJurors, standingsOf, type Standing } from "./jury.ts";
import { Poll, PollJuryScore } from "./models.ts";
import { maySeeResults, ownAnswers, participationOf, questionsOf, tallyData } from "./queries.ts";
import { leaderboards, quizStates } from "./quiz.ts";
import { formatInZone } from "./zones.ts";
import { tallies, type QuestionResult, type QuestionView, type TallyData } from "./tallies/index.ts";

/** What an entry (and a poll's results fragment) shows one viewer. */
export interface PollItem {
  id: number;
  kind: "poll" | "survey" | "quiz" | "contest";
  contentId: number;
  title: string;
  isAnonymous: boolean;
  allowChange: boolean;
  resultsVisibility: string;
  membersAddOptions: boolean;
  closesAt: Date | null;
  closedAt: Date | null;
  isOpen: boolean;
  /** A date as this viewer reads it: in their time zone (host.timeZoneOf), the zone named (zones.ts). */
  when(date: Date | null | undefined, lang: string): string;
  participants: number;
  hasAnswered: boolean;
  /** May answer now (or change their answer). */
  canAnswer: boolean;
  /** Lives in a container that takes no writes (an archived group): shown, never changed. */
  isReadOnly: boolean;
  /** Takes part in principle (a member, or any reader where the poll is open to readers). */
  isEligible: boolean;
  isManager: boolean;
  showResults: boolean;
  questions: (QuestionView & { own: { choices: Record<number, number | true>; value: number | null; text: string } })[];
  results: { question: QuestionView; result: QuestionResult }[];
  /** Quizzes only: the viewer's attempts and scores, whether the right answers show, the leaderboard. */
  quiz: {
    attemptsUsed: number;
    maxAttempts: number;
    lastScore: number | null;
    bestScore: number | null;
    maxScore: number;
    isRevealed: boolean;
    hasLeaderboard: boolean;
    leaderboard: { name: string; score: number }[];
    isOptedOut: boolean;
    timeLimitSeconds: number | null;
    /** A timed quiz's attempt under way (its ballot shows), or null (a Start button shows instead). */
    startedAt: Date | null;
  } | null;
  /** Contests only: the submission phase, the viewer's entries, and (for its managers) entries waiting for moderation. */
  contest: {
    isSubmitting: boolean;
    submissionsCloseAt: Date | null;
    maxEntries: number;
    ownEntries: number;
    isModerated: boolean;
    pending: { id: number; label: string }[];
    /** Contests with jurors only: the viewer's scoring form (jurors, until the close), and after the close both parts of the ranking. */
    jury: {
      jurorCount: number;
      weight: number;
      isJuror: boolean;
      canScore: boolean;
      entries: { id: number; label: string; score: number | null; isOwn: boolean }[];
      standings: Standing[] | null;
    } | null;
  } | null;
}

/**
 * What is the same for every reader (how many took part, the counts), kept per poll and render version: any
 * answer, participation, option or close moves the version, so only the first reader after a change counts.
 */
const memo = new Map<string, { participants?: number; counts?: Map<number, TallyData> }>();
const memoSize = 500;
function remember(key: string, part: { participants?: number; counts?: Map<number, TallyData> }) {
  const known = memo.get(key) ?? {};
  memo.delete(key);
  memo.set(key, { ...known, ...part });
  if (memo.size > memoSize) memo.delete(memo.keys().next().value!);
}
const versionKey = (content: Content) => `${content.refId}:${content.renderVersion}`;

/**
 * Items for a page of polls and one viewer, in a bounded number of queries whatever the page's size: the
 * polls, their questions and options, participation, the viewer's own answers, and counts only for the polls
 * whose results this viewer may see.
 */
export async function pollItems(host: Pick<Host, "sequelize" | "policyFor" | "timeZoneOf" | "isReadOnly">, refIds: number[], policy: ContentPolicy, contents: Content[]): Promise<Map<number, PollItem>> {
  const sequelize = host.sequelize;
  const items = new Map<number, PollItem>();
  if (refIds.length === 0) return items;
  const viewer = policy.user && policy.user.isActive ? policy.user : null;
  const contentOf = new Map(contents.map((content) => [content.refId!, content]));
  const uncounted = refIds.filter((id) => !contentOf.has(id) || memo.get(versionKey(contentOf.get(id)!))?.participants === undefined);
  const [polls, questions, participation] = await Promise.all([
    Poll.findAll({ where: { id: refIds } }),
    questionsOf(refIds),
    participationOf(sequelize, refIds, viewer?.id ?? null, uncounted),
  ]);
  for (const id of uncounted) if (contentOf.has(id)) remember(versionKey(contentOf.get(id)!), { participants: participation.counts.get(id) ?? 0 });
  const named = polls.filter((poll) => !poll.isAnonymous && participation.answered.has(poll.id)).map((poll) => poll.id);
  const own = viewer && named.length > 0 ? await ownAnswers(sequelize, named, viewer.id) : new Map();
  const quizIds = polls.filter((poll) => poll.kind === "quiz").map((poll) => poll.id);
  const quizzes = await quizStates(sequelize, quizIds, viewer?.id ?? null);
  await policy.loadRoles(contents);
  const now = clock.now();
  const zone = await host.timeZoneOf(viewer);
  const when = (date: Date | null | undefined, lang: string) => formatInZone(date, lang, zone);
  // Contests' juries: the jurors, the viewer's own scores (jurors' scores stay hidden from others until the close).
  const juries = await juriedPolls(polls.filter((poll) => poll.kind === "contest").map((poll) => poll.id));
  const ownScores = viewer && juries.size > 0 ? await PollJuryScore.findAll({ where: { pollId: [...juries.keys()], jurorId: viewer.id }, attributes: ["optionId", "score"] }) : [];
  const scoreOf = new Map(ownScores.map((row) => [row.optionId, row.score]));
  // Asked once per container on the page (a page of polls comes from a few groups).
  const containerKeys = [...new Set(contents.map((content) => `${content.containerType}:${content.containerId}`))];
  const readOnly = new Set<string>();
  await Promise.all(
    containerKeys.map(async (key) => {
      const [type, id] = key.split(":");
      if (await host.isReadOnly({ type, id: Number(id) })) readOnly.add(key);
    }),
  );
  const shown: Poll[] = [];
  for (const poll of polls) {
    const content = contentOf.get(poll.id);
    if (!content) continue;
    const isReadOnly = readOnly.has(`${content.containerType}:${content.containerId}`);
    const isOpen = poll.isOpenAt(now);
    const hasAnswered = participation.answered.has(poll.id);
    const isManager = Boolean(viewer && (poll.authorId === viewer.id || (await policy.canManage(content))));
    const isEligible = Boolean(viewer && (poll.openToReaders || (await policy.roleIn(content)) !== ""));
    const showResults = maySeeResults(poll.resultsVisibility, { isOpen, hasAnswered, isManager });
    if (showResults) shown.push(poll);
    const quizState = quizzes.states.get(poll.id);
    const pollQuestions = questions.get(poll.id) ?? [];
    const attemptsLeft = !quizState || quizState.attemptsUsed < poll.maxAttempts;
    const isSubmitting = poll.kind === "contest" && Boolean(poll.submissionsCloseAt && now < poll.submissionsCloseAt) && isOpen;
    const entryOptions = poll.kind === "contest" ? pollQuestions.flatMap((question) => question.options) : [];
    items.set(poll.id, {
      id: poll.id,
      kind: poll.kind,
      contentId: content.id,
      title: poll.title,
      isAnonymous: poll.isAnonymous,
      allowChange: poll.allowChange,
      resultsVisibility: poll.resultsVisibility,
      membersAddOptions: poll.membersAddOptions,
      closesAt: poll.closesAt,
      closedAt: poll.closedAt,
      isOpen,
      when,
      participants: memo.get(versionKey(content))?.participants ?? participation.counts.get(poll.id) ?? 0,
      hasAnswered,
      isReadOnly,
      canAnswer: isOpen && isEligible && !isReadOnly && !content.deletedAt && !isSubmitting && (quizState ? attemptsLeft : !hasAnswered || (poll.allowChange && !poll.isAnonymous)),
      isEligible,
      isManager,
      showResults,
      questions: (questions.get(poll.id) ?? []).map((question) => {
        const mine = own.get(question.id);
        const choices: Record<number, number | true> = {};
        for (const choice of mine?.choices ?? []) choices[choice.optionId] = choice.rank ?? true;
        return { ...question, own: { choices, value: mine?.value ?? null, text: mine?.text ?? "" } };
      }),
      results: [],
      contest:
        poll.kind === "contest"
          ? {
              isSubmitting,
              submissionsCloseAt: poll.submissionsCloseAt,
              maxEntries: poll.maxEntries,
              ownEntries: viewer ? entryOptions.filter((option) => option.addedBy === viewer.id && !option.isRemoved).length : 0,
              isModerated: poll.isModerated,
              pending: isReadOnly ? [] : isManager || (viewer && (await policy.canModerate(content))) ? entryOptions.filter((option) => option.isPending && !option.isRemoved).map(({ id, label }) => ({ id, label })) : [],
              jury: juries.has(poll.id)
                ? {
                    jurorCount: juries.get(poll.id)!.length,
                    weight: poll.juryWeight,
                    isJuror: Boolean(viewer && juries.get(poll.id)!.includes(viewer.id)),
                    canScore: Boolean(viewer && !isReadOnly && juries.get(poll.id)!.includes(viewer.id) && isOpen && !content.deletedAt && (await policy.roleIn(content)) !== ""),
                    entries: entryOptions
                      .filter((option) => !option.isPending && !option.isRemoved)
                      .map((option) => ({ id: option.id, label: option.label, score: scoreOf.get(option.id) ?? null, isOwn: Boolean(viewer && option.addedBy === viewer.id) })),
                    standings: null,
                  }
                : null,
            }
          : null,
      quiz: quizState
        ? {
            ...quizState,
            maxAttempts: poll.maxAttempts,
            maxScore: pollQuestions.reduce((total, question) => total + question.points, 0),
            // The right answers show once the person used their attempts (if the quiz says so), and to everyone after the close.
            isRevealed: !isOpen || (poll.reveal === "attempt" && !attemptsLeft),
            hasLeaderboard: poll.hasLeaderboard,
            timeLimitSeconds: poll.timeLimitSeconds,
            startedAt: quizState.startedAt ?? null,
            leaderboard: [],
            isOptedOut: quizzes.isOptedOut,
          }
        : null,
    });
  }
  // After the close, whoever may see the results sees both parts of a juried contest's ranking.
  const juried = shown.filter((poll) => juries.has(poll.id) && !poll.isOpenAt(now));
  const ranked = await standingsOf(host.sequelize, juried, await seatedJurors(host, juried));
  for (const [pollId, standings] of ranked) items.get(pollId)!.contest!.jury!.standings = standings;
  const boards = await leaderboards(sequelize, shown.filter((poll) => poll.kind === "quiz" && poll.hasLeaderboard).map((poll) => poll.id));
  for (const [pollId, board] of boards) items.get(pollId)!.quiz!.leaderboard = board;
  // Counts are the same for every reader: kept per poll and render version (any answer, option or close moves it).
  const versionOf = (poll: Poll) => versionKey(contentOf.get(poll.id)!);
  const missing = shown.filter((poll) => !memo.get(versionOf(poll))?.counts);
  const data = await tallyData(sequelize, missing.flatMap((poll) => questions.get(poll.id) ?? []));
  for (const poll of missing) remember(versionOf(poll), { counts: new Map((questions.get(poll.id) ?? []).map((question) => [question.id, data.get(question.id)!])) });
  for (const poll of shown) {
    const item = items.get(poll.id)!;
    const counts = memo.get(versionOf(poll))!.counts!;
    item.results = (questions.get(poll.id) ?? []).map((question) => ({ question, result: tallies[question.kind].result(question, counts.get(question.id)!) }));
  }
  return items;
}
