import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { quickVoters, type QuickVoter } from "./helpers.ts";

// A quiz's attempts under concurrency: the same attempt sent several times at once (a double click, two pages)
// is recorded once and every other copy gets a 409 naming the cause, in the person's language; timed starts and
// late answers sent at once use one start and one attempt.
let app: TestApp;
let author: { client: Client; userId: number };
let voters: QuickVoter[];

test.before(async () => {
  app = await startApp();
  const admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "polls"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  author = await app.signedIn("member", { displayName: "Quinn Quizmaster" });
  voters = await quickVoters(app, author, 6);
});
test.after.always(() => app?.close());

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });

async function quiz(title: string, fields: Record<string, string>) {
  const response = await author.client.post("/compose/quiz", { target: "company:0", returnTo: "/", body: title, questions: "? Two plus two? [points 4]\n+ 4\n- 5", results: "always", ...fields });
  if (response.status !== 303) throw new Error(`refused: ${response.status}`);
  const [poll] = await sql<{ id: number }>("SELECT id FROM polls WHERE title = :title", { title });
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'quiz' AND ref_id = :id", { id: poll.id });
  const [question] = await sql<{ id: number }>("SELECT id FROM poll_questions WHERE poll_id = :id", { id: poll.id });
  const [right] = await sql<{ id: number }>("SELECT id FROM poll_options WHERE poll_id = :id AND label = '4'", { id: poll.id });
  return { pollId: poll.id, base: `/polls/${content.id}`, fields: { [`q${question.id}`]: String(right.id) } };
}

const lead = (html: string) => /<p class="lead">([^<]*)<\/p>/.exec(html)?.[1] ?? "";
const attemptsOf = (pollId: number, userId: number) =>
  sql<{ attempt: number; score: number }>("SELECT attempt, score FROM quiz_attempts WHERE poll_id = :pollId AND user_id = :userId ORDER BY attempt", { pollId, userId });
const answersOf = async (pollId: number, userId: number) =>
  Number((await sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM poll_answers WHERE poll_id = :pollId AND user_id = :userId", { pollId, userId }))[0].n);

const raceMessages = {
  en: "This attempt was being recorded twice at the same moment (a second click, or another page): it counts once. Your score is shown on the quiz.",
  fr: "Cette tentative était enregistrée deux fois au même moment (un second clic, ou une autre page) : elle ne compte qu'une fois. Votre score est affiché sur le quiz.",
};
const noAttemptLeft = { en: "You have used all your attempts at this quiz.", fr: "Vous avez utilisé toutes vos tentatives pour ce quiz." };

/**
 * One person sends their only attempt five times at once, on fresh quizzes until one of the losers lost the race
 * on the attempt's unique index (the others came in after the winner committed and found no attempt left).
 */
async function raceAttempts(t: import("ava").ExecutionContext, voter: QuickVoter, lang: "en" | "fr") {
  const messages: string[] = [];
  for (let round = 0; round < 5 && !messages.includes(raceMessages[lang]); round += 1) {
    const { pollId, base, fields } = await quiz(`One try ${lang} ${round}`, { attempts: "1" });
    const sent = await Promise.all([0, 1, 2, 3, 4].map(() => voter.post(`${base}/answer`, fields)));
    t.deepEqual(sent.map((response) => response.status).sort(), [303, 409, 409, 409, 409]);
    for (const refused of sent.filter((response) => response.status === 409)) {
      const message = lead(refused.text).replaceAll("&#39;", "'");
      t.true([raceMessages[lang], noAttemptLeft[lang]].includes(message), `a clear message, not a generic 409: "${message}"`);
      messages.push(message);
    }
    t.deepEqual((await attemptsOf(pollId, voter.userId)).map((row) => [Number(row.attempt), Number(row.score)]), [[1, 4]], "one attempt, scored once");
    t.is(await answersOf(pollId, voter.userId), 1, "one answer kept");
    t.is(Number((await sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM poll_participations WHERE poll_id = :pollId", { pollId }))[0].n), 1);
  }
  t.true(messages.includes(raceMessages[lang]), "the loser of the race on the attempt is told so");
}

test.serial("one attempt sent five times at once: one is recorded, the others are told the attempt counts once (409)", async (t) => {
  await raceAttempts(t, voters[0], "en");
});

test.serial("the same in French", async (t) => {
  await app.app.sequelize.query("UPDATE users SET language = 'fr' WHERE id = :id", { replacements: { id: voters[1].userId } });
  await raceAttempts(t, voters[1], "fr");
});

test.serial("a timed quiz: starts sent at once record one start; late answers sent at once use the attempt once and say time is up", async (t) => {
  const { pollId, base, fields } = await quiz("Timed", { attempts: "2", timeLimit: "60" });
  const voter = voters[2];
  const starts = await Promise.all([0, 1, 2, 3, 4].map(() => voter.post(`${base}/start`, {})));
  t.deepEqual(starts.map((response) => response.status), [303, 303, 303, 303, 303], "starting twice is the same start");
  t.is((await sql("SELECT id FROM quiz_starts WHERE poll_id = :pollId AND user_id = :userId", { pollId, userId: voter.userId })).length, 1);
  const { clock } = await import("../clock.ts");
  clock.now = () => new Date(Date.now() + 70_000);
  try {
    const late = await Promise.all([0, 1, 2, 3, 4].map(() => voter.post(`${base}/answer`, fields)));
    t.deepEqual(late.map((response) => response.status), [409, 409, 409, 409, 409]);
    t.deepEqual([...new Set(late.map((response) => lead(response.text)))], ["Time is up: this attempt is used and scores nothing."]);
  } finally {
    clock.now = () => new Date();
  }
  t.deepEqual((await attemptsOf(pollId, voter.userId)).map((row) => [Number(row.attempt), Number(row.score)]), [[1, 0]], "the attempt is used once, scoring nothing");
  t.is(await answersOf(pollId, voter.userId), 0, "no answer written");

  // The second attempt, on time, sent five times at once: recorded once, every other copy told why.
  t.is((await voter.post(`${base}/start`, {})).status, 303);
  const onTime = await Promise.all([0, 1, 2, 3, 4].map(() => voter.post(`${base}/answer`, fields)));
  t.deepEqual(onTime.map((response) => response.status).sort(), [303, 409, 409, 409, 409]);
  t.deepEqual([...new Set(onTime.filter((response) => response.status === 409).map((response) => lead(response.text)))], [raceMessages.en]);
  t.deepEqual((await attemptsOf(pollId, voter.userId)).map((row) => [Number(row.attempt), Number(row.score)]), [[1, 0], [2, 4]]);
  t.is(await answersOf(pollId, voter.userId), 1);
});
