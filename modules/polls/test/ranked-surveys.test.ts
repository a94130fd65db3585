import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { entryHtml } from "../../../test/comments/helpers.ts";
import { instantRunoff } from "../tallies/ranked.ts";
import { parseSurvey } from "../survey-format.ts";
import { quickVoters, type QuickVoter } from "./helpers.ts";

// Ranked choice against rounds counted by hand, and surveys (several questions, in order, required or optional),
// in the company stream, over HTTP.
let app: TestApp;
let author: { client: Client; userId: number };
let voters: QuickVoter[];

test.before(async () => {
  app = await startApp();
  const admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "polls"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  author = await app.signedIn("member", { displayName: "Rita Ranker" });
  voters = await quickVoters(app, author, 10);
});
test.after.always(() => app?.close());

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });

/** Posts to the company stream from the dashboard's composer; returns the content id and the questions with their options. */
async function compose(type: "poll" | "survey" | "quiz", title: string, fields: Record<string, string>) {
  const response = await author.client.post(`/compose/${type}`, { target: "company:0", returnTo: "/", body: title, ...fields });
  if (response.status !== 303) throw new Error(`refused: ${response.status} ${response.text.slice(0, 400)}`);
  const [poll] = await sql<{ id: number }>("SELECT id FROM polls WHERE title = :title", { title });
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = :type AND ref_id = :id", { type, id: poll.id });
  const questions = await sql<{ id: number; prompt: string; position: number; is_required: unknown }>("SELECT id, prompt, position, is_required FROM poll_questions WHERE poll_id = :id ORDER BY position", { id: poll.id });
  const options = await sql<{ id: number; label: string; question_id: number }>("SELECT id, label, question_id FROM poll_options WHERE poll_id = :id", { id: poll.id });
  return { contentId: content.id, pollId: poll.id, questions, option: (label: string) => options.find((option) => option.label === label)!.id };
}

test("instant runoff, counted by hand: a tie for the fewest is broken by the round before", (t) => {
  const [a, b, c, d] = [1, 2, 3, 4];
  const options = [{ id: a, label: "A" }, { id: b, label: "B" }, { id: c, label: "C" }, { id: d, label: "D" }];
  const ballots = [...Array(4).fill([a, b]), ...Array(3).fill([b, c]), ...Array(2).fill([c, b]), [d, c]];
  const { rounds, winners } = instantRunoff(options, ballots);
  // Round 1: A 4, B 3, C 2, D 1 (no majority of 10): D out. Round 2: A 4, B 3, C 3: B and C tie for the fewest,
  // C had fewer in round 1: C out. Round 3: A 4, B 5 (D's ballot has no option left): B has 5 of 9.
  t.deepEqual(rounds.map((round) => round.rows.map((row) => `${row.label}${row.count}`).join(" ")), ["A4 B3 C2 D1", "A4 B3 C3", "A4 B5"]);
  t.deepEqual(rounds.map((round) => round.eliminated), [["D"], ["C"], []]);
  t.deepEqual(rounds.map((round) => round.exhausted), [0, 0, 1]);
  t.deepEqual(winners, ["B"]);
  t.deepEqual(instantRunoff(options.slice(0, 2), [[a], [b]]).winners, ["A", "B"], "a tie all the way");
  t.deepEqual(instantRunoff(options, []).winners, []);
});

test("the survey format: kinds, optional questions, options, and what it refuses", (t) => {
  const parsed = parseSurvey("? Rate it [scale nps]\n? Pick [multiple 1-2, optional]\n- X\n- Y\n- Z\n? Say [text]");
  if ("error" in parsed) return t.fail(parsed.error);
  t.deepEqual(parsed.map((question) => [question.kind, question.isRequired, question.minChoices, question.maxChoices, question.scaleMin, question.scaleMax, question.options.length]), [
    ["scale", true, 1, 1, 0, 10, 0],
    ["multiple", false, 1, 2, 1, 5, 3],
    ["text", true, 1, 1, 1, 5, 0],
  ]);
  t.deepEqual(parseSurvey("? Q [dice]\n- a\n- b"), { error: "polls:errors.surveyQuestion" });
  t.deepEqual(parseSurvey("- an option first"), { error: "polls:errors.surveyQuestion" });
  t.deepEqual(parseSurvey("? Only one option\n- a"), { error: "polls:errors.options" });
  t.deepEqual(parseSurvey("? Q [multiple 2-5]\n- a\n- b"), { error: "polls:errors.minMax" });
  t.deepEqual(parseSurvey(""), { error: "polls:errors.surveyQuestions" });
});

test.serial("a ranked-choice poll over HTTP: malformed rankings refused, rounds shown as counted by hand", async (t) => {
  const poll = await compose("poll", "Which name for the new room?", { pollKind: "ranked", options: "Atlas\nBoreal\nCedar\nDelta" });
  const field = (label: string) => `q${poll.questions[0].id}-o${poll.option(label)}`;
  const send = (voter: QuickVoter, ranks: Record<string, string>) => voter.post(`/polls/${poll.contentId}/answer`, ranks);
  for (const [ranks, message] of [
    [{ [field("Atlas")]: "1", [field("Boreal")]: "1" }, "Give each ranked option its own place"],
    [{ [field("Atlas")]: "1", [field("Boreal")]: "3" }, "Give each ranked option its own place"],
    [{ [field("Atlas")]: "first" }, "Give each ranked option its own place"],
    [{ [field("Atlas")]: "1", [`q${poll.questions[0].id}-o999999`]: "2" }, "This option is not part of the poll"],
  ] as const) {
    const refused = await send(voters[0], ranks);
    t.is(refused.status, 422);
    t.true(refused.text.includes(message), message);
  }
  t.deepEqual(await sql("SELECT id FROM poll_answers WHERE poll_id = :id", { id: poll.pollId }), []);
  const ballots = [...Array(4).fill(["Atlas", "Boreal"]), ...Array(3).fill(["Boreal", "Cedar"]), ...Array(2).fill(["Cedar", "Boreal"]), ["Delta", "Cedar"]] as string[][];
  for (const [index, ballot] of ballots.entries()) {
    const response = await send(voters[index], Object.fromEntries(ballot.map((label, place) => [field(label), String(place + 1)])));
    t.is(response.status, 303);
  }
  const page = entryHtml((await author.client.get(`/c/${poll.contentId}`)).text, poll.contentId);
  t.true(page.includes("3 rounds of counting"));
  t.regex(page, /<li>Atlas: 4, Boreal: 3, Cedar: 2, Delta: 1 — out: Delta<\/li>/);
  t.regex(page, /<li>Atlas: 4, Boreal: 3, Cedar: 3 — out: Cedar<\/li>/);
  t.regex(page, /<li>Atlas: 4, Boreal: 5 — 1 ballot with no option left<\/li>/);
  t.true(page.includes("Winner: Boreal"));
});

test.serial("a survey: questions in order, required ones enforced, optional ones skipped, results per question", async (t) => {
  const refused = await author.client.post("/compose/survey", { target: "company:0", returnTo: "/", body: "Broken survey", questions: "? Q [dice]" });
  t.is(refused.status, 422);
  t.true(refused.text.includes("A line could not be read"));
  t.deepEqual(await sql("SELECT id FROM polls WHERE title = 'Broken survey'"), []);

  const survey = await compose("survey", "Onboarding survey", {
    questions: "? How was your first week? [scale 1-5]\n? Which sessions helped? [multiple, optional]\n- Security\n- Tools\n- Culture\n? What should we change? [text, optional]",
  });
  t.deepEqual(survey.questions.map((question) => [question.position, question.prompt, Boolean(question.is_required)]), [
    [1, "How was your first week?", true],
    [2, "Which sessions helped?", false],
    [3, "What should we change?", false],
  ]);
  const page = entryHtml((await author.client.get("/")).text, survey.contentId);
  const legends = [...page.matchAll(/<legend>([^<]+)/g)].map((match) => match[1].trim());
  t.deepEqual(legends, ["How was your first week?", "Which sessions helped?", "What should we change?"], "in order");
  t.is((page.match(/<span class="muted">\(optional\)<\/span><\/legend>/g) ?? []).length, 2);
  const [first, second, third] = survey.questions.map((question) => `q${question.id}`);
  const missing = await voters[0].post(`/polls/${survey.contentId}/answer`, { [second]: String(survey.option("Tools")) });
  t.is(missing.status, 422);
  t.true(missing.text.includes("Please answer every required question."));
  t.deepEqual(await sql("SELECT id FROM poll_participations WHERE poll_id = :id", { id: survey.pollId }), [], "nothing of a refused ballot is kept");
  t.is((await voters[0].post(`/polls/${survey.contentId}/answer`, { [first]: "4" })).status, 303, "optional questions may stay empty");
  t.is((await voters[1].post(`/polls/${survey.contentId}/answer`, { [first]: "2", [second]: [String(survey.option("Tools")), String(survey.option("Culture"))], [third]: "More coffee" })).status, 303);
  const results = entryHtml((await author.client.get("/")).text, survey.contentId);
  t.true(results.includes("Results: How was your first week?"));
  t.true(results.includes("Average: 3.0"));
  t.true(results.includes("<li>More coffee</li>"));
  t.regex(results, /<th scope="row">Tools<\/th><td data-count>1<\/td>/);
  t.is(Number((await sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM poll_answers WHERE poll_id = :id", { id: survey.pollId }))[0].n), 4, "1 + 3 answers");
  const search = await author.client.get(`/search?q=${encodeURIComponent("sessions helped")}`);
  t.true(search.text.includes("Onboarding survey"), "a survey is found by its questions");
});

test.serial("a quiz: right answers and points, two attempts, answers revealed after the last one, a leaderboard with opt-out", async (t) => {
  const refused = await author.client.post("/compose/quiz", { target: "company:0", returnTo: "/", body: "No right answer", questions: "? Q\n- a\n- b" });
  t.is(refused.status, 422);
  t.true(refused.text.includes("Mark the right option with +"));
  t.is((await author.client.post("/compose/quiz", { target: "company:0", returnTo: "/", body: "Too many attempts", questions: "? Q\n+ a\n- b", attempts: "11" })).status, 422);
  const quiz = await compose("quiz", "Company quiz", {
    questions: "? Capital of France? [points 2]\n- Lyon\n+ Paris\n> Paris has been the capital for centuries.\n? Which are prime? [multiple]\n+ 2\n+ 3\n- 4",
    attempts: "2",
    reveal: "attempt",
    leaderboard: "on",
    results: "always",
  });
  const [capital, primes] = quiz.questions.map((question) => `q${question.id}`);
  const entry = async (client: Client | QuickVoter) => entryHtml((await client.get("/")).text, quiz.contentId);
  const before = await entry(author.client);
  t.false(before.includes("Right answer:") || before.includes("for centuries"), "nothing of the right answers before an attempt");
  t.true(before.includes('<span class="muted">2 points</span></legend>'));

  const [first, second] = voters;
  const send = (voter: QuickVoter, capitalLabel: string, primeLabels: string[]) =>
    voter.post(`/polls/${quiz.contentId}/answer`, { [capital]: String(quiz.option(capitalLabel)), [primes]: primeLabels.map((label) => String(quiz.option(label))) });
  t.is((await send(first, "Lyon", ["2", "3"])).status, 303);
  const afterOne = await entry(first);
  t.true(afterOne.includes("Your score: 1 / 3"));
  t.true(afterOne.includes("(attempt 1 of 2)"));
  t.false(afterOne.includes("Right answer:"), "an attempt left: the answers stay hidden");
  t.true(afterOne.includes('<form class="poll-ballot"'));
  t.is((await send(first, "Paris", ["2", "3"])).status, 303, "a second attempt");
  const afterTwo = await entry(first);
  t.true(afterTwo.includes("Your score: 3 / 3"));
  t.true(afterTwo.includes("Right answer: <strong class=\"poll-quiz-right\">Paris</strong>"));
  t.true(afterTwo.includes("Paris has been the capital for centuries."), "the explanation after the last attempt");
  t.false(afterTwo.includes('<form class="poll-ballot"'), "no attempt left");
  const third = await send(first, "Paris", ["2"]);
  t.is(third.status, 409);
  t.true(third.text.includes("You have used all your attempts at this quiz."));
  t.is((await send(second, "Paris", ["2"])).status, 303);
  t.deepEqual(
    (await sql<{ user_id: number; attempt: number; score: number; max_score: number }>("SELECT user_id, attempt, score, max_score FROM quiz_attempts WHERE poll_id = :id ORDER BY user_id, attempt", { id: quiz.pollId })).map((row) => [row.user_id, row.attempt, row.score, row.max_score]),
    [[first.userId, 1, 1, 3], [first.userId, 2, 3, 3], [second.userId, 1, 2, 3]],
    "1 point for the multiple choice answered exactly, none for a part of it",
  );
  t.is((await sql("SELECT id FROM poll_answers WHERE poll_id = :id AND user_id = :userId", { id: quiz.pollId, userId: first.userId })).length, 2, "an attempt replaces the last answers");

  const board = await entry(author.client);
  t.regex(board, /<li>Quick Voter 0 — 3 points<\/li><li>Quick Voter 1 — 2 points<\/li>/);
  t.false(board.includes("Right answer:"), "the author made no attempt: the answers stay hidden until the close");
  t.is((await first.post("/polls/leaderboard", { optOut: "on", returnTo: "/" })).status, 303);
  t.false((await entry(author.client)).includes("Quick Voter 0"), "an opted-out person leaves every leaderboard");
  t.true((await entry(author.client)).includes("Quick Voter 1 — 2 points"));

  t.is((await author.client.post(`/polls/${quiz.contentId}/settings`, { results: "always", anonymous: "on" })).status, 303);
  t.false(Boolean((await sql<{ is_anonymous: unknown }>("SELECT is_anonymous FROM polls WHERE id = :id", { id: quiz.pollId }))[0].is_anonymous), "a quiz never becomes a secret ballot");
  t.is((await author.client.post(`/polls/${quiz.contentId}/close`, {})).status, 303);
  const closed = await entry(author.client);
  t.true(closed.includes("Right answer:") && closed.includes("Paris has been the capital for centuries."), "revealed to everyone after the close");
});

test.serial("a timed quiz: the limit counts from a start the server records, a fast answer earns a bonus, a late one scores nothing", async (t) => {
  const { clock } = await import("../clock.ts");
  t.is((await author.client.post("/compose/quiz", { target: "company:0", returnTo: "/", body: "Too short", questions: "? Q\n+ a\n- b", timeLimit: "5" })).status, 422);
  const quiz = await compose("quiz", "Timed quiz", { questions: "? Two plus two? [points 4]\n+ 4\n- 5", attempts: "2", timeLimit: "60", timeBonus: "on", results: "always" });
  const field = `q${quiz.questions[0].id}`;
  const voter = voters[5];
  const send = () => voter.post(`/polls/${quiz.contentId}/answer`, { [field]: String(quiz.option("4")) });
  const notStarted = await send();
  t.is(notStarted.status, 409);
  t.true(notStarted.text.includes("Start the quiz first"));
  const before = entryHtml((await voter.get("/")).text, quiz.contentId);
  t.true(before.includes("You have 60 seconds to answer once you start."));
  t.false(before.includes('<form class="poll-ballot"'), "no ballot before the start");
  t.is((await voter.post(`/polls/${quiz.contentId}/start`, { returnTo: "/" })).status, 303);
  const started = entryHtml((await voter.get("/")).text, quiz.contentId);
  t.true(started.includes('<form class="poll-ballot"'));
  t.true(started.includes("60 seconds to answer."));
  t.is((await send()).status, 303);
  t.true(entryHtml((await voter.get("/")).text, quiz.contentId).includes("Your score: 6 / 4"), "4 points and a bonus of 2 for answering at once");

  t.is((await voter.post(`/polls/${quiz.contentId}/start`, { returnTo: "/" })).status, 303, "the second attempt starts");
  clock.now = () => new Date(Date.now() + 70_000);
  try {
    const late = await send();
    t.is(late.status, 409);
    t.true(late.text.includes("Time is up"));
  } finally {
    clock.now = () => new Date();
  }
  t.deepEqual(
    (await sql<{ attempt: number; score: number; bonus: number }>("SELECT attempt, score, bonus FROM quiz_attempts WHERE poll_id = :id ORDER BY attempt", { id: quiz.pollId })).map((row) => [row.attempt, row.score, row.bonus]),
    [[1, 4, 2], [2, 0, 0]],
    "the late attempt is used and scores nothing",
  );
  t.is((await voter.post(`/polls/${quiz.contentId}/start`, { returnTo: "/" })).status, 409, "no attempt left to start");
  const untimed = await compose("quiz", "Untimed quiz", { questions: "? Q\n+ a\n- b" });
  t.is((await voter.post(`/polls/${untimed.contentId}/start`, {})).status, 404);
});
