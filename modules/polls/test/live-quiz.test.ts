// A quiz run live, over HTTP: the presenter's moves (plain forms, a stale one refused), participants' answers (one
// per person and question by unique index, a late one refused with nothing written, the time bonus counted from the
// server's opening), the projector's view, opt-outs kept off the ranking, the final ranking posted once, who may do
// what (403 for readers, 404 for outsiders of a secret group), and the state across processes and a restart.
import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { Client } from "../../../test/helpers/client.ts";
import { freshInstance, seedAccounts, agora, startServer, type Instance, type RunningServer } from "../../../test/ops/processes.ts";
import { addMember, createGroup, type CreatedGroup } from "../../groups/test/helpers.ts";

type Person = { client: Client; userId: number };
let app: TestApp;
let owner: Person;
let author: Person;
let moderator: Person;
let anna: Person;
let bruno: Person;
let carla: Person;
let outsider: Person;
let room: CreatedGroup;

test.before(async () => {
  app = await startApp();
  const admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "polls"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  owner = await app.signedIn("member", { displayName: "Gina Groupowner" });
  author = await app.signedIn("member", { displayName: "Quentin Quizmaster" });
  moderator = await app.signedIn("member", { displayName: "Mona Moderator" });
  anna = await app.signedIn("member", { displayName: "Anna Answer" });
  bruno = await app.signedIn("member", { displayName: "Bruno Bashful" });
  carla = await app.signedIn("member", { displayName: "Carla Late" });
  outsider = await app.signedIn("member", { displayName: "Otto Outsider" });
  room = await createGroup(owner.client, { name: "Quiz night", visibility: "private" });
  for (const person of [author, anna, bruno, carla]) await addMember(room.id, person.userId);
  await addMember(room.id, moderator.userId, "moderator");
  if ((await owner.client.post(`${room.url}/modules/polls`, { state: "enabled" })).status !== 302) throw new Error("polls not on in the group");
});
test.after.always(() => app?.close());

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });

const questions = "? Capital of France? [points 2]\n- Lyon\n+ Paris\n> Paris has been the capital since 508.\n? Which are even? [multiple]\n+ 2\n+ 4\n- 3";

/** A quiz written through the composer: its content id, its poll id and each question's id and options by label. */
async function quiz(group: CreatedGroup, title: string, extra: Record<string, string> = {}) {
  const created = await author.client.post("/compose/quiz", { target: `group:${group.id}`, returnTo: group.url, body: title, questions, leaderboard: "on", timeLimit: "60", timeBonus: "on", ...extra });
  if (created.status !== 303) throw new Error(`quiz refused: ${created.status}`);
  const [poll] = await sql<{ id: number }>("SELECT id FROM polls WHERE title = :title", { title });
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'quiz' AND ref_id = :id", { id: poll.id });
  const rows = await sql<{ id: number; position: number }>("SELECT id, position FROM poll_questions WHERE poll_id = :id ORDER BY position", { id: poll.id });
  const options = await sql<{ id: number; label: string; question_id: number }>("SELECT id, label, question_id FROM poll_options WHERE poll_id = :id", { id: poll.id });
  const option = (label: string) => String(options.find((row) => row.label === label)!.id);
  return { contentId: content.id, pollId: poll.id, base: `/polls/${content.id}/live`, q: rows.map((row) => String(row.id)), option };
}
const sessionOf = async (pollId: number) => (await sql<{ id: number; phase: string; step: number; question_id: number | null }>("SELECT id, phase, step, question_id FROM quiz_live_sessions WHERE poll_id = :pollId", { pollId }))[0];
const answerRows = (sessionId: number) => sql<{ user_id: number; question_id: number; score: number; bonus: number }>("SELECT user_id, question_id, score, bonus FROM quiz_live_answers WHERE session_id = :sessionId ORDER BY user_id, question_id", { sessionId });
const rankings = (pollId: number) => sql<{ id: number; author_id: number; container_id: number }>("SELECT id, author_id, container_id FROM contents WHERE type = 'quiz-live-ranking' AND ref_id = :pollId", { pollId });

test.serial("a live run: presenter moves, participants answer once, late answers refused, projector, opt-out, the ranking posted once", async (t) => {
  const { clock } = await import("../clock.ts");
  const { pollId, contentId, base, q, option } = await quiz(room, "Friday quiz");
  const quizPage = (await anna.client.get(room.url)).text;
  t.true(quizPage.includes(`href="${base}"`), "the quiz's entry links to the live page");
  t.true((await author.client.get(room.url)).text.includes(`href="${base}/present"`), "its author gets Run live");

  // Nobody but the author and the group's moderators presents; an outsider of the private group gets 404.
  t.true((await anna.client.get(base)).text.includes("has not started this quiz live yet"));
  t.is((await anna.client.get(`${base}/present`)).status, 403);
  t.is((await anna.client.get(`${base}/screen`)).status, 403);
  t.is((await anna.client.post(`${base}/start`, {})).status, 403);
  t.is((await outsider.client.post(`${base}/start`, {})).status, 404);
  t.is((await outsider.client.get(`${base}/present`)).status, 404);
  t.falsy(await sessionOf(pollId), "nothing started");
  t.is((await author.client.post(`${base}/start`, { bonusSeconds: "2" })).status, 422, "a bonus window out of range");
  t.falsy(await sessionOf(pollId));

  const t0 = new Date("2026-12-05T18:00:00Z");
  clock.now = () => t0;
  try {
    const presenter = await author.client.get(`${base}/present`);
    t.is(presenter.status, 200);
    t.true(presenter.text.includes("Start the live quiz"));
    t.is((await author.client.post(`${base}/start`, { bonusSeconds: "20" })).status, 303);
    let session = await sessionOf(pollId);
    t.like(session, { phase: "lobby", step: 1, question_id: null });
    t.true((await anna.client.get(base)).text.includes("You are in."));
    t.true((await anna.client.get(room.url)).text.includes("Live now"), "the quiz's entry says it runs live");
    t.is((await anna.client.post(`${base}/answer`, { question: q[0], [`q${q[0]}`]: option("Paris") })).status, 409, "no question open in the lobby");

    // The moderator opens question 1; the same form sent again (a double click) changes nothing.
    t.is((await moderator.client.post(`${base}/next`, { step: "1" })).status, 303);
    const stale = await author.client.post(`${base}/next`, { step: "1" });
    t.is(stale.status, 409);
    t.true(stale.text.includes("The quiz has moved on"));
    session = await sessionOf(pollId);
    t.like(session, { phase: "question", step: 2, question_id: Number(q[0]) });

    const participant = (await anna.client.get(base)).text;
    t.true(participant.includes("Capital of France?"));
    t.true(participant.includes('name="q' + q[0] + '"'));
    t.false(participant.includes("Right answer"), "the right answer is not on the page before the reveal");
    t.false((await author.client.get(`${base}/screen`)).text.includes("✓"), "nor on the projector");

    // Answers, scored on the server: Anna right after 5 s of a 20 s bonus window (2 + 1), Bruno wrong.
    clock.now = () => new Date(t0.getTime() + 5000);
    t.is((await anna.client.post(`${base}/answer`, { question: q[0], [`q${q[0]}`]: option("Paris") })).status, 303);
    const again = await anna.client.post(`${base}/answer`, { question: q[0], [`q${q[0]}`]: option("Lyon") });
    t.is(again.status, 409);
    t.true(again.text.includes("You have already answered this question."));
    t.is((await anna.client.post(`${base}/answer`, { question: q[0], [`q${q[0]}`]: "999999" })).status, 422, "an option not in the question");
    // Bruno sends three answers at once: the unique index lets one in.
    const sent = await Promise.all(["Lyon", "Lyon", "Lyon"].map((label) => bruno.client.post(`${base}/answer`, { question: q[0], [`q${q[0]}`]: option(label) })));
    t.deepEqual(sent.map((response) => response.status).sort(), [303, 409, 409]);
    const rows = await answerRows(session.id);
    t.is(rows.length, 2, "one answer each");
    t.deepEqual(rows.find((row) => row.user_id === anna.userId), { user_id: anna.userId, question_id: Number(q[0]), score: 2, bonus: 1 });
    t.true((await anna.client.get(base)).text.includes("Your answer is in."));

    const screen = await author.client.get(`${base}/screen`);
    t.true(screen.text.includes("2 people answered"), "the projector counts the answers");
    t.true(screen.text.includes("Capital of France?"));

    // Closed: the reveal, and a late answer is refused with nothing written.
    t.is((await author.client.post(`${base}/close`, { step: "2" })).status, 303);
    const late = await carla.client.post(`${base}/answer`, { question: q[0], [`q${q[0]}`]: option("Paris") });
    t.is(late.status, 409);
    t.true(late.text.includes("This question is closed: your answer was not recorded."));
    t.is((await answerRows(session.id)).length, 2, "nothing written for the late answer");
    t.deepEqual(await sql("SELECT answer_id FROM quiz_live_choices WHERE session_id = :id AND answer_id NOT IN (SELECT id FROM quiz_live_answers)", { id: session.id }), []);

    const revealed = (await author.client.get(`${base}/screen`)).text;
    t.regex(revealed, /Paris <strong>✓ right answer<\/strong>/);
    t.true(revealed.includes('class="poll-chart"'), "the distribution as the module's SVG chart");
    t.regex(revealed, /Paris: 1 \(50 %\)/);
    t.regex(revealed, /Anna Answer<\/span> <span class="poll-live-score">3 points/);
    t.true(revealed.includes("Bruno Bashful"));
    t.true((await anna.client.get(base)).text.includes("Right! +3 points"));
    t.true((await bruno.client.get(base)).text.includes("Not this time"));

    // Bruno keeps his name off leaderboards: gone from the ranking, his own score still his.
    t.is((await bruno.client.post("/polls/leaderboard", { optOut: "on", returnTo: "/" })).status, 303);
    t.false((await author.client.get(`${base}/screen`)).text.includes("Bruno Bashful"));
    t.true((await bruno.client.get(base)).text.includes("Your score: 0 points"));

    // Question 2 (multiple), then several finishes at once: one ranking in the stream.
    t.is((await author.client.post(`${base}/next`, { step: "3" })).status, 303);
    t.is((await anna.client.post(`${base}/answer`, { question: q[1], [`q${q[1]}`]: [option("2"), option("4")] })).status, 303);
    t.is((await author.client.post(`${base}/close`, { step: "4" })).status, 303);
    t.is((await author.client.post(`${base}/next`, { step: "5" })).status, 409, "no question left");
    const finishes = await Promise.all([author.client, moderator.client, author.client, moderator.client].map((client) => client.post(`${base}/finish`, {})));
    t.deepEqual(finishes.map((response) => response.status), [303, 303, 303, 303]);
    const [posted, ...more] = await rankings(pollId);
    t.is(more.length, 0, "exactly one ranking entry");
    t.is(posted.container_id, room.id);
    t.is((await author.client.post(`${base}/finish`, {})).status, 303);
    t.is((await rankings(pollId)).length, 1, "finishing again posts nothing more");
    t.like(await sessionOf(pollId), { phase: "finished" });
    t.false((await anna.client.get(room.url)).text.includes("Live now"), "not once it is finished");
    const stream = (await carla.client.get(room.url)).text;
    t.true(stream.includes("Final ranking of the live quiz Friday quiz"));
    // 3 for question 1, and 1 + 1 for question 2 answered the moment it opened (the clock stands still): 5.
    t.regex(stream, /<li value="1"><span class="poll-live-name">Anna Answer<\/span> <span class="poll-live-score">5 points/);
    t.false(stream.includes("Bruno Bashful</span>"), "the opted-out participant is not named");
    t.true(stream.includes("2 people took part"));
    t.true(stream.includes(`href="/c/${contentId}"`));
    t.is((await outsider.client.get(`/c/${posted.id}`)).status, 404, "the ranking stays in the private group");
    t.is((await anna.client.post(`${base}/answer`, { question: q[1], [`q${q[1]}`]: option("2") })).status, 409);

    // The quiz deleted: its ranking stays while the quiz can be restored; deleted for good, both go.
    t.is((await author.client.post(`/c/${contentId}/delete`, {})).status, 302);
    t.is((await carla.client.get(`/c/${posted.id}`)).status, 200);
    t.is((await anna.client.get(base)).status, 404, "no live page for a deleted quiz");
    await sql("UPDATE contents SET deleted_at = :at WHERE id = :id", { at: new Date(Date.now() - 31 * 24 * 3600_000), id: contentId });
    const { purgeDeletedContents } = await import("../../../core/content/moderation/purge.ts");
    t.true((await purgeDeletedContents(app.app)) >= 1);
    t.deepEqual(await sql("SELECT id FROM contents WHERE id IN (:ids)", { ids: [contentId, posted.id] }), []);
    t.deepEqual(await sql("SELECT id FROM quiz_live_sessions WHERE poll_id = :pollId", { pollId }), [], "the run went with the quiz");
    t.deepEqual(await answerRows(session.id), []);
  } finally {
    clock.now = () => new Date();
  }
});

test.serial("a non-member of an open group reads the live page but may not answer; a secret group's quiz is not found", async (t) => {
  const hall = await createGroup(owner.client, { name: "Open hall", visibility: "open" });
  await addMember(hall.id, author.userId);
  t.is((await owner.client.post(`${hall.url}/modules/polls`, { state: "enabled" })).status, 302);
  const open = await quiz(hall, "Open quiz");
  t.is((await author.client.post(`${open.base}/start`, {})).status, 303);
  t.is((await author.client.post(`${open.base}/next`, { step: "1" })).status, 303);
  const page = await outsider.client.get(open.base);
  t.is(page.status, 200);
  t.true(page.text.includes("Only the group&#39;s members may answer.") || page.text.includes("Only the group's members may answer."));
  t.false(page.text.includes('action="' + open.base + '/answer"'), "no answer form");
  const refused = await outsider.client.post(`${open.base}/answer`, { question: open.q[0], [`q${open.q[0]}`]: open.option("Paris") });
  t.is(refused.status, 403);
  const session = await sessionOf(open.pollId);
  t.deepEqual(await answerRows(session.id), [], "nothing written");

  const vault = await createGroup(owner.client, { name: "Secret vault", visibility: "secret" });
  await addMember(vault.id, author.userId);
  t.is((await owner.client.post(`${vault.url}/modules/polls`, { state: "enabled" })).status, 302);
  const secret = await quiz(vault, "Vault quiz");
  t.is((await author.client.post(`${secret.base}/start`, {})).status, 303);
  t.is((await author.client.post(`${secret.base}/next`, { step: "1" })).status, 303);
  const unknown = await outsider.client.get("/polls/99999999/live");
  for (const path of ["", "/present", "/screen"]) {
    const response = await outsider.client.get(secret.base + path);
    t.is(response.status, 404, path);
    t.false(response.text.includes("Vault quiz"));
    t.is(response.text.length, unknown.text.length, "the same page as for a quiz that does not exist");
  }
  for (const action of ["start", "next", "close", "finish"]) t.is((await outsider.client.post(`${secret.base}/${action}`, { step: "2" })).status, 404, action);
  t.is((await outsider.client.post(`${secret.base}/answer`, { question: secret.q[0], [`q${secret.q[0]}`]: secret.option("Paris") })).status, 404);
  t.deepEqual(await answerRows((await sessionOf(secret.pollId)).id), []);
  t.like(await sessionOf(secret.pollId), { phase: "question", step: 2 }, "the outsider's finish changed nothing");
});

test.serial("answers racing the presenter's close: each is either kept (sent in time) or refused with nothing written", async (t) => {
  const { quickVoters } = await import("./helpers.ts");
  const live = await quiz(room, "Race quiz");
  const players = await quickVoters(app, { client: anna.client, userId: anna.userId }, 20);
  for (const player of players) await addMember(room.id, player.userId);
  t.is((await author.client.post(`${live.base}/start`, {})).status, 303);
  t.is((await author.client.post(`${live.base}/next`, { step: "abc" })).status, 422, "a malformed step");
  t.is((await author.client.post(`${live.base}/next`, { step: "1" })).status, 303);
  t.is((await anna.client.post(`${live.base}/answer`, { question: "x", [`q${live.q[0]}`]: live.option("Paris") })).status, 409, "a malformed question");
  const session = await sessionOf(live.pollId);
  const answer = (player: (typeof players)[number]) => player.post(`${live.base}/answer`, { question: live.q[0], [`q${live.q[0]}`]: live.option(player.userId % 2 ? "Paris" : "Lyon") });
  // Half answer first, then the rest at the same moment as the close.
  const early = await Promise.all(players.slice(0, 10).map(answer));
  t.deepEqual(early.map((response) => response.status), Array(10).fill(303));
  const [closed, ...racing] = await Promise.all([author.client.post(`${live.base}/close`, { step: "2" }), ...players.slice(10).map(answer)]);
  t.is(closed.status, 303);
  for (const response of racing) t.true(response.status === 303 || (response.status === 409 && response.text.includes("This question is closed")), `${response.status}`);
  const kept = await answerRows(session.id);
  const accepted = [...early, ...racing].filter((response) => response.status === 303).length;
  t.is(kept.length, accepted, "exactly the accepted answers are kept");
  const [choices] = await sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM quiz_live_choices WHERE session_id = :id", { id: session.id });
  t.is(Number(choices.n), accepted, "one chosen option each, none of a refused answer");
  const screen = (await author.client.get(`${live.base}/screen`)).text;
  t.true(screen.includes(`${accepted} people answered`), "the reveal counts what was kept");
  t.is((await players[15].post(`${live.base}/answer`, { question: live.q[0], [`q${live.q[0]}`]: live.option("Paris") })).status, 409);
  t.is((await answerRows(session.id)).length, accepted);
});

// Two server processes on one database agree on the run; after both stop, a new one carries on where it was.
let instance: Instance | null = null;
const servers: RunningServer[] = [];
test.after.always(async () => {
  for (const server of servers) if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
  await instance?.remove();
});

test.serial("the run is kept in the database: two processes agree, and a restart carries on", async (t) => {
  t.timeout(180_000);
  const password = "correct-horse-battery";
  instance = await freshInstance({ AGORA_ADMIN_EMAIL: "live-admin@example.test", AGORA_ADMIN_PASSWORD: "live-admin-password" });
  const [host, player] = await seedAccounts(instance.env, ["livehost", "liveplayer"], password);
  for (const id of ["groups", "polls"]) t.is((await agora(["module:enable", id], instance.env)).code, 0);
  const [first, second] = await Promise.all([startServer(instance.env), startServer(instance.env)]);
  servers.push(first, second);
  const presenter = new Client(first.url);
  await presenter.login(host.email, password);
  const participant = new Client(second.url);
  await participant.login(player.email, password);
  t.is((await presenter.post("/compose/quiz", { target: "company:0", returnTo: "/", body: "Restart quiz", questions })).status, 303);
  const contentId = Number(/href="\/polls\/(\d+)\/live\/present"/.exec((await presenter.get("/")).text)?.[1]);
  t.true(contentId > 0);
  const base = `/polls/${contentId}/live`;
  t.is((await presenter.post(`${base}/start`, {})).status, 303);
  t.is((await presenter.post(`${base}/next`, { step: "1" })).status, 303);
  // The other process shows the question the first opened, and takes the answer.
  const page = (await participant.get(base)).text;
  t.true(page.includes("Capital of France?"));
  const questionId = /name="question" value="(\d+)"/.exec(page)![1];
  const paris = /value="(\d+)"[^>]*> Paris/.exec(page)![1];
  t.is((await participant.post(`${base}/answer`, { question: questionId, [`q${questionId}`]: paris })).status, 303);
  t.true((await presenter.get(`${base}/screen`)).text.includes("1 person answered"));
  t.is((await participant.post(`${base}/close`, { step: "2" })).status, 403, "a participant on the other process may not close");
  t.is((await presenter.post(`${base}/close`, { step: "2" })).status, 303);
  t.is(await first.stop(), 0);
  t.is(await second.stop(), 0);

  const third = await startServer(instance.env);
  servers.push(third);
  const back = new Client(third.url);
  await back.login(host.email, password);
  const restarted = (await back.get(`${base}/present`)).text;
  t.true(restarted.includes("Answer revealed"), "the run is where it was");
  t.true(restarted.includes("1 person answered"));
  t.true(restarted.includes("Open question 2"));
  const player2 = new Client(third.url);
  await player2.login(player.email, password);
  t.true((await player2.get(base)).text.includes("Right!"));
  t.is((await back.post(`${base}/finish`, {})).status, 303);
  t.true((await back.get("/")).text.includes("Final ranking of the live quiz Restart quiz"));
  t.is(await third.stop(), 0);
});
