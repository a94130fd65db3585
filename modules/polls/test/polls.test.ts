import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { entryHtml } from "../../../test/comments/helpers.ts";
import { addMember, createGroup, type CreatedGroup } from "../../groups/test/helpers.ts";
import { clock } from "../clock.ts";
import { quickVoters } from "./helpers.ts";

// The ballot engine over HTTP: a poll posted from the composer, answered with plain forms (no JavaScript),
// every kind of question, refusals that write nothing, the deadline, and 200 people answering at once.
let app: TestApp;
let owner: { client: Client; userId: number };
let voter: { client: Client; userId: number };
let second: { client: Client; userId: number };
let outsider: { client: Client; userId: number };
let garden: CreatedGroup;

test.before(async () => {
  app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
  const admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "polls"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  owner = await app.signedIn("member", { displayName: "Olivia Owner" });
  voter = await app.signedIn("member", { displayName: "Victor Voter" });
  second = await app.signedIn("member", { displayName: "Sam Second" });
  outsider = await app.signedIn("member", { displayName: "Otto Outsider" });
  garden = await createGroup(owner.client, { name: "Poll garden", visibility: "open" });
  for (const member of [voter, second]) await addMember(garden.id, member.userId);
});
test.after.always(() => app?.close());

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
const count = async (table: string, where = "1 = 1", replacements: Record<string, unknown> = {}) => Number((await sql<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, replacements))[0]?.n);

interface Created {
  contentId: number;
  pollId: number;
  questionId: number;
  options: Map<string, number>;
}

/** Posts a poll from the group's composer and returns its ids. */
async function createPoll(client: Client, question: string, fields: Record<string, string>): Promise<Created> {
  const response = await client.post("/compose/poll", { target: `group:${garden.id}`, returnTo: garden.url, body: question, ...fields });
  if (response.status !== 303) throw new Error(`poll refused: ${response.status} ${response.text.slice(0, 300)}`);
  const [poll] = await sql<{ id: number }>("SELECT id FROM polls WHERE title = :question", { question });
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'poll' AND ref_id = :id", { id: poll.id });
  const [questionRow] = await sql<{ id: number }>("SELECT id FROM poll_questions WHERE poll_id = :id", { id: poll.id });
  const options = await sql<{ id: number; label: string }>("SELECT id, label FROM poll_options WHERE poll_id = :id", { id: poll.id });
  return { contentId: content.id, pollId: poll.id, questionId: questionRow.id, options: new Map(options.map((option) => [option.label, option.id])) };
}

const answer = (client: Client, poll: Created, values: Record<string, string | string[]>) => client.post(`/polls/${poll.contentId}/answer`, { returnTo: garden.url, ...values });
/** The figure shown in the results table for an option. */
const shownCount = (html: string, label: string) => new RegExp(`<th scope="row">${label}</th><td data-count>(\\d+)</td>`).exec(html)?.[1] ?? null;

let lunch: Created;

test.serial("the owner switches polls on in the group; the composer's Poll tab refuses bad polls and writes nothing", async (t) => {
  t.is((await owner.client.post(`${garden.url}/modules/polls`, { state: "enabled" })).status, 302);
  t.regex((await owner.client.get(garden.url)).text, /data-kind="poll"[^>]*>Poll<\/a>/);
  const opened = await owner.client.get(`${garden.url}?kind=poll`);
  t.regex(opened.text, /<label for="f-body">Your question<\/label>/);
  t.regex(opened.text, /<textarea id="f-poll-options" name="options"/);

  const refusals: [Record<string, string>, string][] = [
    [{ options: "Only one" }, "Give between 2 and 50 options, one a line."],
    [{ options: "Tea\ntea" }, "Each option may appear only once."],
    [{ pollKind: "multiple", options: "A\nB", maxChoices: "3" }, "The minimum must not exceed the maximum"],
    [{ pollKind: "dice", options: "A\nB" }, "Choose a kind of answer."],
    [{ options: "A\nB", closesAt: "2001-01-01T10:00" }, "Give a time in the future"],
    [{ options: "A\nB", results: "everyone-but-bob" }, "Choose who sees the results."],
  ];
  for (const [fields, message] of refusals) {
    const refused = await owner.client.post("/compose/poll", { target: `group:${garden.id}`, returnTo: garden.url, body: "Refused?", ...fields });
    t.is(refused.status, 422, JSON.stringify(fields));
    t.true(refused.text.includes(message), message);
  }
  t.is((await owner.client.post("/compose/poll", { target: `group:${garden.id}`, returnTo: garden.url, body: "", options: "A\nB" })).status, 422, "the question is required");
  t.is(await count("polls"), 0, "nothing written");
  t.is(await count("contents", "type = 'poll'"), 0);
});

test.serial("a single-choice poll: posted from the composer, answered without JavaScript, counted in a chart and a table", async (t) => {
  lunch = await createPoll(owner.client, "Where do we lunch on Friday?", { pollKind: "single", options: "Pizza\nSushi\nSalad", results: "always", allowChange: "on" });
  t.is(lunch.options.size, 3);
  const page = entryHtml((await voter.client.get(garden.url)).text, lunch.contentId);
  t.regex(page, /<p class="poll-title">Where do we lunch on Friday\?<\/p>/);
  t.regex(page, new RegExp(`<form class="poll-ballot" method="post" action="/polls/${lunch.contentId}/answer">`));
  t.regex(page, new RegExp(`<input type="radio" name="q${lunch.questionId}" value="${lunch.options.get("Sushi")}"`));
  t.is(shownCount(page, "Sushi"), "0");

  const answered = await answer(voter.client, lunch, { [`q${lunch.questionId}`]: String(lunch.options.get("Sushi")) });
  t.is(answered.status, 303, "a plain form post, answered with 303 See Other");
  t.is(answered.location, garden.url);
  const after = entryHtml((await voter.client.get(garden.url)).text, lunch.contentId);
  t.is(shownCount(after, "Sushi"), "1", "the cached entry was drawn again with the vote");
  t.regex(after, /<svg class="poll-chart"[^>]*role="img"[^>]*>\s*<title[^>]*>Pizza: 0 \(0 %\); Sushi: 1 \(100 %\); Salad: 0 \(0 %\)<\/title>/);
  t.true(after.includes("Change my answer"));
  t.true(after.includes("1 person answered"));
  t.deepEqual(await sql("SELECT user_id FROM poll_answers WHERE poll_id = :id", { id: lunch.pollId }), [{ user_id: voter.userId }], "a named poll keeps who answered");

  // Changing the answer replaces it: still one answer.
  t.is((await answer(voter.client, lunch, { [`q${lunch.questionId}`]: String(lunch.options.get("Pizza")) })).status, 303);
  const changed = entryHtml((await voter.client.get(garden.url)).text, lunch.contentId);
  t.is(shownCount(changed, "Pizza"), "1");
  t.is(shownCount(changed, "Sushi"), "0");
  t.regex(changed, new RegExp(`value="${lunch.options.get("Pizza")}" checked`), "the voter's choice is shown");
  t.is(await count("poll_answers", "poll_id = :id", { id: lunch.pollId }), 1);
  t.is(await count("poll_participations", "poll_id = :id", { id: lunch.pollId }), 1);
});

test.serial("bad ballots get a 4xx with a clear message and write nothing", async (t) => {
  const field = `q${lunch.questionId}`;
  const before = { answers: await count("poll_answers"), choices: await count("poll_answer_choices"), participations: await count("poll_participations") };
  const cases: [Client, Record<string, string | string[]>, number, string][] = [
    [second.client, { [field]: "999999" }, 422, "This option is not part of the poll"],
    [second.client, { [field]: "abc" }, 422, "This option is not part of the poll"],
    [second.client, { [field]: [String(lunch.options.get("Pizza")), String(lunch.options.get("Sushi"))] }, 422, "This answer could not be read"],
    [second.client, {}, 422, "Please answer every required question."],
    [outsider.client, { [field]: String(lunch.options.get("Pizza")) }, 403, "Only members of this group may answer this poll."],
  ];
  for (const [client, fields, status, message] of cases) {
    const refused = await answer(client, lunch, fields);
    t.is(refused.status, status, JSON.stringify(fields));
    t.true(refused.text.includes(message), message);
  }
  t.is((await second.client.post("/polls/999999/answer", { [field]: "1" })).status, 404);
  t.is((await app.client().post(`/polls/${lunch.contentId}/answer`, { [field]: "1" })).status, 302, "signed out: to the login page");
  t.deepEqual({ answers: await count("poll_answers"), choices: await count("poll_answer_choices"), participations: await count("poll_participations") }, before);
  t.true(entryHtml((await outsider.client.get(garden.url)).text, lunch.contentId).includes("Only the group&#39;s members may answer."), "an outsider reading the open group sees why there is no ballot");
});

test.serial("multiple choice with a minimum and a maximum, a 0–10 scale with its net promoter score, and free text", async (t) => {
  const snacks = await createPoll(owner.client, "Which snacks?", { pollKind: "multiple", options: "Nuts\nFruit\nCake", minChoices: "1", maxChoices: "2" });
  const field = `q${snacks.questionId}`;
  const all = ["Nuts", "Fruit", "Cake"].map((label) => String(snacks.options.get(label)));
  const tooMany = await answer(voter.client, snacks, { [field]: all });
  t.is(tooMany.status, 422);
  t.true(tooMany.text.includes("Too many choices for this question."));
  t.is((await answer(voter.client, snacks, { [field]: [all[0], all[0]] })).status, 422, "the same option twice is malformed");
  t.is(await count("poll_answers", "poll_id = :id", { id: snacks.pollId }), 0);
  t.is((await answer(voter.client, snacks, { [field]: [all[0], all[2]] })).status, 303);
  t.is((await answer(second.client, snacks, { [field]: [all[2]] })).status, 303);
  const shown = entryHtml((await owner.client.get(garden.url)).text, snacks.contentId);
  t.deepEqual(["Nuts", "Fruit", "Cake"].map((label) => shownCount(shown, label)), ["1", "0", "2"]);

  const nps = await createPoll(owner.client, "Would you recommend the canteen?", { pollKind: "scale", scale: "nps" });
  const npsField = `q${nps.questionId}`;
  for (const bad of ["11", "-1", "7.5", "ten"]) t.is((await answer(voter.client, nps, { [npsField]: bad })).status, 422, bad);
  t.is((await answer(voter.client, nps, { [npsField]: "10" })).status, 303);
  t.is((await answer(second.client, nps, { [npsField]: "3" })).status, 303);
  const npsShown = entryHtml((await owner.client.get(garden.url)).text, nps.contentId);
  t.is(shownCount(npsShown, "0"), "0");
  t.is(shownCount(npsShown, "10"), "1");
  t.true(npsShown.includes("Average: 6.5"));
  t.true(npsShown.includes("Net promoter score: 0 (1 promoters, 0 passives, 1 detractors)"));

  const ideas = await createPoll(owner.client, "One word for this year?", { pollKind: "text" });
  t.is((await answer(voter.client, ideas, { [`q${ideas.questionId}`]: "x".repeat(2001) })).status, 422);
  t.is((await answer(voter.client, ideas, { [`q${ideas.questionId}`]: "  <b>Bold</b>  " })).status, 303);
  const textShown = entryHtml((await owner.client.get(garden.url)).text, ideas.contentId);
  t.true(textShown.includes("<li>&lt;b&gt;Bold&lt;/b&gt;</li>"), "texts are shown escaped");
});

test.serial("after the deadline an answer is refused with a clear message (fixed clock), and nothing is written", async (t) => {
  const soon = new Date(Date.now() + 3600_000);
  const vote = await createPoll(owner.client, "Deadline poll?", { options: "Yes\nNo", closesAt: soon.toISOString() });
  t.true(entryHtml((await voter.client.get(garden.url)).text, vote.contentId).includes("Closes "));
  clock.now = () => new Date(soon.getTime() + 1000);
  try {
    const late = await answer(voter.client, vote, { [`q${vote.questionId}`]: String(vote.options.get("Yes")) });
    t.is(late.status, 409);
    t.true(late.text.includes("This poll is closed: answers are no longer taken."));
  } finally {
    clock.now = () => new Date();
  }
  t.is(await count("poll_answers", "poll_id = :id", { id: vote.pollId }), 0);
  t.is(await count("poll_participations", "poll_id = :id", { id: vote.pollId }), 0);
  t.is((await answer(voter.client, vote, { [`q${vote.questionId}`]: String(vote.options.get("Yes")) })).status, 303, "before the deadline it is taken");
});

test.serial("200 people answering at once give exact counts, and a ballot sent twice at once counts once", async (t) => {
  t.timeout(120_000);
  const big = await createPoll(owner.client, "Office party theme?", { options: "Disco\nJungle\nSpace", allowChange: "" });
  const voters = await quickVoters(app, owner, 200);
  for (const person of voters) await addMember(garden.id, person.userId);
  const labels = ["Disco", "Jungle", "Space"];
  const choiceOf = (index: number) => String(big.options.get(labels[index % 3]));
  const sends = voters.flatMap((person, index) => {
    const send = () => person.post(`/polls/${big.contentId}/answer`, { [`q${big.questionId}`]: choiceOf(index), returnTo: garden.url });
    return index < 20 ? [send(), send()] : [send()];
  });
  const results = await Promise.all(sends);
  t.is(results.filter((result) => result.status === 303).length, 200);
  t.is(results.filter((result) => result.status === 409).length, 20, "the second of two ballots sent at once is refused");
  t.is(await count("poll_participations", "poll_id = :id", { id: big.pollId }), 200);
  t.is(await count("poll_answers", "poll_id = :id", { id: big.pollId }), 200);
  const counted = await sql<{ option_id: number; n: number | string }>("SELECT option_id, COUNT(*) AS n FROM poll_answer_choices WHERE question_id = :id GROUP BY option_id", { id: big.questionId });
  const byLabel = Object.fromEntries(labels.map((label) => [label, Number(counted.find((row) => Number(row.option_id) === big.options.get(label))?.n ?? 0)]));
  t.deepEqual(byLabel, { Disco: 67, Jungle: 67, Space: 66 });
  const page = entryHtml((await owner.client.get(garden.url)).text, big.contentId);
  t.deepEqual(labels.map((label) => shownCount(page, label)), ["67", "67", "66"]);
  t.true(page.includes("200 people answered"));
});

test.serial("open pages hear that a poll changed (no figures in the event), and a page of polls costs the same statements for 6 or 9 polls", async (t) => {
  const { openEvents } = await import("../../../test/notifications/helpers.ts");
  const { queriesFor } = await import("../../../test/helpers/queries.ts");
  const watching = await openEvents(second.client, `/live/events?watch=group:${garden.id}`);
  try {
    await watching.waitFor("unread");
    t.is((await answer(second.client, lunch, { [`q${lunch.questionId}`]: String(lunch.options.get("Salad")) })).status, 303);
    const heard = await watching.waitFor("module", (data) => (data as { name: string }).name === "results");
    t.deepEqual(heard, { module: "polls", name: "results", container: `group:${garden.id}`, data: { contentId: lunch.contentId } });
  } finally {
    watching.close();
  }
  const fragment = await second.client.get(`/polls/${lunch.contentId}/results`);
  t.is(fragment.status, 200);
  t.is(shownCount(fragment.text, "Salad"), "1", "the script fetches the viewer's own view of the results");
  t.is((await outsider.client.get(`/polls/${lunch.contentId}/results`)).status, 200, "an open group's reader may read them");

  const freshReader = async () => {
    const reader = await app.signedIn("member");
    await addMember(garden.id, reader.userId);
    return reader.client;
  };
  // Each count is of a reader whose entries are not cached; the first reader after a change also counts the
  // answers (a few grouped statements, then kept per poll and version for everyone).
  await queriesFor(app, await freshReader(), garden.url);
  const before = await queriesFor(app, await freshReader(), garden.url);
  for (const [index, kind] of ["single", "text", "scale"].entries()) await createPoll(owner.client, `Extra poll ${index}?`, { pollKind: kind, options: "A\nB" });
  const firstAfter = await queriesFor(app, await freshReader(), garden.url);
  const after = await queriesFor(app, await freshReader(), garden.url);
  t.is(after, before, "no statement per poll entry");
  t.true(firstAfter - after <= 5, `counting the new polls' answers takes a few grouped statements (${firstAfter - after})`);
});
