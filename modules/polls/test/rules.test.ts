import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { entryHtml } from "../../../test/comments/helpers.ts";
import { pause, waitUntil } from "../../../test/notifications/helpers.ts";
import { addMember, createGroup, type CreatedGroup } from "../../groups/test/helpers.ts";

// A poll's rules over HTTP: the secret ballot (no path from rows or the export to a person), anonymity locked
// by the first answer, who sees the results when, close and reopen, the deadline's job, added options, export rights.
let app: TestApp;
let author: { client: Client; userId: number };
let member: { client: Client; userId: number };
let colleague: { client: Client; userId: number };
let moderator: { client: Client; userId: number };
let groupAdmin: { client: Client; userId: number };
let outsider: { client: Client; userId: number };
let group: CreatedGroup;
let owner: Client;

test.before(async () => {
  app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
  const admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "polls"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  owner = (await app.signedIn("member", { displayName: "Gina Groupowner" })).client;
  group = await createGroup(owner, { name: "Rules room", visibility: "open" });
  author = await app.signedIn("member", { displayName: "Ann Author" });
  member = await app.signedIn("member", { displayName: "Mia Member" });
  colleague = await app.signedIn("member", { displayName: "Carl Colleague" });
  moderator = await app.signedIn("member", { displayName: "Mo Moderator" });
  groupAdmin = await app.signedIn("member", { displayName: "Ada Groupadmin" });
  outsider = await app.signedIn("member", { displayName: "Otto Outsider" });
  for (const person of [author, member, colleague]) await addMember(group.id, person.userId);
  await addMember(group.id, moderator.userId, "moderator");
  await addMember(group.id, groupAdmin.userId, "admin");
  if ((await owner.post(`${group.url}/modules/polls`, { state: "enabled" })).status !== 302) throw new Error("polls not on in the group");
});
test.after.always(() => app?.close());

/** The database's own refusal: SQLite reports a trigger's RAISE as a constraint error, with the message in its parent. */
async function refusedByDatabase(t: import("ava").ExecutionContext, query: Promise<unknown>, pattern: RegExp, message?: string) {
  const error = await t.throwsAsync(query, undefined, message);
  t.regex(String((error as { parent?: Error } | undefined)?.parent?.message ?? error?.message), pattern, message);
}
const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });

interface Created {
  contentId: number;
  pollId: number;
  field: string;
  options: Map<string, number>;
}

async function createPoll(question: string, fields: Record<string, string>): Promise<Created> {
  const response = await author.client.post("/compose/poll", { target: `group:${group.id}`, returnTo: group.url, body: question, allowChange: "on", ...fields });
  if (response.status !== 303) throw new Error(`poll refused: ${response.status} ${response.text.slice(0, 300)}`);
  const [poll] = await sql<{ id: number }>("SELECT id FROM polls WHERE title = :question", { question });
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'poll' AND ref_id = :id", { id: poll.id });
  const [questionRow] = await sql<{ id: number }>("SELECT id FROM poll_questions WHERE poll_id = :id", { id: poll.id });
  const options = await sql<{ id: number; label: string }>("SELECT id, label FROM poll_options WHERE poll_id = :id", { id: poll.id });
  return { contentId: content.id, pollId: poll.id, field: `q${questionRow.id}`, options: new Map(options.map((option) => [option.label, option.id])) };
}
const vote = (client: Client, poll: Created, label: string) => client.post(`/polls/${poll.contentId}/answer`, { [poll.field]: String(poll.options.get(label) ?? label) });
const entryOf = async (client: Client, poll: Created) => entryHtml((await client.get(group.url)).text, poll.contentId);
const seesResults = async (client: Client, poll: Created) => (await entryOf(client, poll)).includes('<table class="poll-table">');

test.serial("secret ballot: answers carry no person, participation is apart, and no row, export or notification links them", async (t) => {
  const secret = await createPoll("Rate our manager, secretly", { anonymous: "on", options: "Great\nFine\nPoor" });
  t.deepEqual(await sql("SELECT is_anonymous, allow_change FROM polls WHERE id = :id", { id: secret.pollId }).then((rows) => rows.map((row) => Object.values(row).map(Boolean))), [[true, false]], "a secret ballot never lets an answer be changed (it cannot be found again)");
  t.is((await vote(member.client, secret, "Poor")).status, 303);
  t.is((await vote(colleague.client, secret, "Great")).status, 303);
  const again = await vote(member.client, secret, "Great");
  t.is(again.status, 409);
  t.true(again.text.includes("You have already answered this poll"));

  const answers = await sql<Record<string, unknown>>("SELECT * FROM poll_answers WHERE poll_id = :id", { id: secret.pollId });
  t.is(answers.length, 2);
  t.deepEqual(Object.keys(answers[0]).sort(), ["id", "poll_id", "question_id", "text", "user_id", "value"], "no date, no person column filled, no order");
  t.true(answers.every((row) => row.user_id === null));
  t.true(answers.every((row) => /^[0-9a-f]{24}$/.test(String(row.id))), "random keys, not a sequence");
  const choices = await sql<Record<string, unknown>>("SELECT c.* FROM poll_answer_choices c JOIN poll_answers a ON a.id = c.answer_id WHERE a.poll_id = :id", { id: secret.pollId });
  t.deepEqual(Object.keys(choices[0]).sort(), ["answer_id", "option_id", "question_id", "rank"]);
  const [question] = await sql<{ id: number }>("SELECT id FROM poll_questions WHERE poll_id = :id", { id: secret.pollId });
  await refusedByDatabase(
    t,
    app.app.sequelize.query("INSERT INTO poll_answers (id, poll_id, question_id, user_id) VALUES ('x1', :pollId, :questionId, :userId)", { replacements: { pollId: secret.pollId, questionId: question.id, userId: outsider.userId } }),
    /an anonymous answer names no person/,
    "the database refuses a person on an anonymous answer, whatever code writes it",
  );
  await refusedByDatabase(t, app.app.sequelize.query("UPDATE poll_answers SET user_id = :userId WHERE poll_id = :pollId", { replacements: { pollId: secret.pollId, userId: member.userId } }), /an anonymous answer names no person/);
  t.deepEqual(await sql("SELECT user_id FROM poll_answers WHERE poll_id = :id AND user_id IS NOT NULL", { id: secret.pollId }), []);
  t.deepEqual(
    (await sql<{ user_id: number }>("SELECT user_id FROM poll_participations WHERE poll_id = :id ORDER BY user_id", { id: secret.pollId })).map((row) => row.user_id),
    [member.userId, colleague.userId].sort((a, b) => a - b),
    "who took part is known, apart",
  );
  // No other table holds an answer's key, and nothing a vote wrote names the voter with this poll.
  const tables = app.app.sequelize.getDialect() === "postgres"
    ? (await sql<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'")).map((row) => row.name)
    : (await sql<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")).map((row) => row.name);
  for (const table of tables.filter((name) => !["poll_answers", "poll_answer_choices"].includes(name))) {
    const rows = JSON.stringify(await sql(`SELECT * FROM ${table}`));
    for (const row of answers) t.false(rows.includes(String(row.id)), `${table} holds no answer key`);
  }
  t.deepEqual(await sql("SELECT id FROM notifications WHERE actor_id IN (:ids)", { ids: [member.userId, colleague.userId] }), [], "answering notifies nobody");
  const csv = await author.client.get(`/polls/${secret.contentId}/results.csv`);
  t.is(csv.status, 200);
  t.is(csv.headers.get("content-type"), "text/csv; charset=utf-8");
  t.is(csv.text, '"Question","Answer"\r\n"Rate our manager, secretly","Great"\r\n"Rate our manager, secretly","Poor"\r\n', "sorted by answer, no person");
  const adminCsv = await groupAdmin.client.get(`/polls/${secret.contentId}/results.csv`);
  t.is(adminCsv.status, 200, "the group's admins may export");
  t.false(/Mia|Carl/.test(adminCsv.text));
  t.is((await member.client.get(`/polls/${secret.contentId}/results.csv`)).status, 403);
  t.is((await outsider.client.get(`/polls/${secret.contentId}/results.csv`)).status, 403);
  t.true((await entryOf(member.client, secret)).includes("Secret ballot"));
});

test.serial("anonymity can change until the first answer, then it is locked; a named export names people", async (t) => {
  const named = await createPoll("Team lunch day?", { options: "Monday\nFriday" });
  const settings = (fields: Record<string, string>) => author.client.post(`/polls/${named.contentId}/settings`, { results: "always", allowChange: "on", ...fields });
  t.is((await member.client.post(`/polls/${named.contentId}/settings`, { results: "always", anonymous: "on" })).status, 403, "only the author");
  t.is((await settings({ anonymous: "on" })).status, 303);
  t.is((await sql<{ is_anonymous: unknown }>("SELECT is_anonymous FROM polls WHERE id = :id", { id: named.pollId }))[0].is_anonymous ? 1 : 0, 1);
  t.is((await settings({})).status, 303, "and back, while nobody answered");
  t.is((await vote(member.client, named, "Friday")).status, 303);
  const locked = await settings({ anonymous: "on" });
  t.is(locked.status, 409);
  t.true(locked.text.includes("Anonymity cannot change once someone has answered."));
  t.false(Boolean((await sql<{ is_anonymous: unknown }>("SELECT is_anonymous FROM polls WHERE id = :id", { id: named.pollId }))[0].is_anonymous));
  t.true((await author.client.get(`/polls/${named.contentId}/settings`)).text.includes("cannot become a secret ballot"));
  // The database holds it too, whatever code would write.
  await refusedByDatabase(t, app.app.sequelize.query("UPDATE polls SET is_anonymous = :yes WHERE id = :id", { replacements: { yes: true, id: named.pollId } }), /anonymity is locked/);
  t.is((await settings({ results: "sometimes" })).status, 422);
  const csv = await author.client.get(`/polls/${named.contentId}/results.csv`);
  t.is(csv.text, '"Person","Question","Answer"\r\n"Mia Member","Team lunch day?","Friday"\r\n');
});

test.serial("who sees the results: always, after answering, after the close, the author only (and the group's admins)", async (t) => {
  const after = await createPoll("Results after answering?", { options: "A\nB", results: "answered" });
  t.false(await seesResults(member.client, after));
  t.true((await entryOf(member.client, after)).includes("The results are shown once you have answered."));
  t.false((await member.client.get(`/polls/${after.contentId}/results`)).text.includes("poll-table"), "the live fragment follows the same rule");
  t.true(await seesResults(author.client, after), "the author always sees them");
  t.is((await vote(member.client, after, "A")).status, 303);
  t.true(await seesResults(member.client, after));
  t.false(await seesResults(colleague.client, after));

  const closing = await createPoll("Results after the close?", { options: "A\nB", results: "closed" });
  t.is((await vote(member.client, closing, "B")).status, 303);
  t.false(await seesResults(member.client, closing));
  t.true(await seesResults(groupAdmin.client, closing), "the group's admins see them");
  t.is((await member.client.post(`/polls/${closing.contentId}/close`, {})).status, 403, "a member may not close");
  const closed = await moderator.client.post(`/polls/${closing.contentId}/close`, {});
  t.is(closed.status, 303, "the group's moderators may");
  t.true(await seesResults(member.client, closing));
  t.true(await seesResults(colleague.client, closing));
  const late = await vote(colleague.client, closing, "A");
  t.is(late.status, 409);
  t.true(late.text.includes("This poll is closed"));
  t.is((await author.client.post(`/polls/${closing.contentId}/reopen`, {})).status, 303, "the author reopens");
  t.is((await vote(colleague.client, closing, "A")).status, 303);

  const mine = await createPoll("Only for the author?", { options: "A\nB", results: "author" });
  t.is((await vote(member.client, mine, "A")).status, 303);
  t.is((await moderator.client.post(`/polls/${mine.contentId}/close`, {})).status, 303);
  t.false(await seesResults(member.client, mine), "not even after the close");
  t.true((await entryOf(member.client, mine)).includes("Only the poll&#39;s author sees the results."));
  t.true(await seesResults(author.client, mine));
});

test.serial("voters: members only unless the poll is open to readers; members may add options where allowed", async (t) => {
  const open = await createPoll("Open to every reader?", { options: "Yes\nNo", openToReaders: "on", membersAddOptions: "on" });
  t.is((await vote(outsider.client, open, "Yes")).status, 303, "a reader of the open group may answer");
  const add = (client: Client, label: string) => client.post(`/polls/${open.contentId}/options`, { label });
  t.is((await add(member.client, "Maybe")).status, 303);
  const twice = await add(colleague.client, "maybe");
  t.is(twice.status, 409);
  t.true(twice.text.includes("Each option may appear only once."));
  t.is((await add(member.client, "")).status, 422);
  t.true((await entryOf(colleague.client, open)).includes("<th scope=\"row\">Maybe</th>"));
  t.deepEqual(await sql("SELECT label, added_by FROM poll_options WHERE poll_id = :id AND added_by IS NOT NULL", { id: open.pollId }), [{ label: "Maybe", added_by: member.userId }]);
  const fixed = await createPoll("Fixed options?", { options: "Yes\nNo" });
  t.is((await member.client.post(`/polls/${fixed.contentId}/options`, { label: "Other" })).status, 403);
  t.is((await vote(outsider.client, fixed, "Yes")).status, 403);
});

test.serial("the deadline closes the poll once through the job queue; a moved deadline leaves the old job idle", async (t) => {
  const soon = () => new Date(Date.now() + 1500).toISOString();
  const timed = await createPoll("Closes by itself?", { options: "A\nB", closesAt: soon() });
  const moved = await createPoll("Deadline moved?", { options: "A\nB", closesAt: soon() });
  t.is((await author.client.post(`/polls/${moved.contentId}/settings`, { results: "always", closesAt: new Date(Date.now() + 3600_000).toISOString() })).status, 303);
  t.is((await vote(member.client, timed, "A")).status, 303);
  await waitUntil(async () => (await sql<{ closed_at: unknown }>("SELECT closed_at FROM polls WHERE id = :id", { id: timed.pollId }))[0].closed_at, "the job closed the poll", 15_000);
  await pause(500);
  const jobs = await sql<{ status: string; key: string }>("SELECT status, idempotency_key AS key FROM jobs WHERE kind = 'polls.close'");
  t.is(jobs.filter((job) => job.key.startsWith(`polls.close:${timed.pollId}@`)).length, 1, "queued once");
  t.true(jobs.every((job) => job.status === "done" || job.key.startsWith(`polls.close:${moved.pollId}@`)));
  t.true((await entryOf(member.client, timed)).includes("<strong>Closed</strong>"));
  const late = await vote(colleague.client, timed, "B");
  t.is(late.status, 409);
  t.true(late.text.includes("This poll is closed"));
  t.is((await sql<{ closed_at: unknown }>("SELECT closed_at FROM polls WHERE id = :id", { id: moved.pollId }))[0].closed_at, null, "the old deadline's job did nothing");
  t.is((await vote(colleague.client, moved, "B")).status, 303);
});

test.serial("options after answers: the author adds some; removing asks first, leaves the ballot and keeps the answers", async (t) => {
  const poll = await createPoll("Which room for the retro?", { options: "Blue\nGreen\nRed" });
  t.is((await vote(member.client, poll, "Red")).status, 303);
  const edit = (client: Client, fields: Record<string, string | string[]>) => client.post(`/polls/${poll.contentId}/options/edit`, fields);
  const questionId = poll.field.slice(1);
  t.is((await edit(member.client, { [`add${questionId}`]: "Yellow" })).status, 403, "only the author");
  t.is((await edit(author.client, { [`add${questionId}`]: "blue" })).status, 422, "a label already there");
  t.is((await edit(author.client, { remove: "999999" })).status, 422);
  t.is((await edit(author.client, { [`add${questionId}`]: "Yellow" })).status, 303, "adding needs no confirmation, answers or not");
  const asked = await edit(author.client, { remove: String(poll.options.get("Red")), [`add${questionId}`]: "Purple" });
  t.is(asked.status, 200, "removing asks first");
  t.true(asked.text.includes("Red — chosen once"));
  t.true(asked.text.includes('name="confirm" value="yes"'));
  t.deepEqual(await sql("SELECT label FROM poll_options WHERE poll_id = :id AND (removed_at IS NOT NULL OR label = 'Purple')", { id: poll.pollId }), [], "nothing written before the confirmation");
  t.is((await edit(author.client, { remove: String(poll.options.get("Red")), [`add${questionId}`]: "Purple", confirm: "yes" })).status, 303);
  const entry = await entryOf(colleague.client, poll);
  t.false(entry.includes(`value="${poll.options.get("Red")}"`), "a removed option leaves the ballot");
  t.true(entry.includes("Purple") && entry.includes("Yellow"));
  t.regex(entry, /<th scope="row">Red <span class="muted">\(removed\)<\/span><\/th><td data-count>1<\/td>/, "its answer stays counted");
  t.is((await vote(colleague.client, poll, "Red")).status, 422, "and cannot be chosen any more");
  const live = await sql<{ id: number }>("SELECT id FROM poll_options WHERE poll_id = :id AND removed_at IS NULL", { id: poll.pollId });
  t.is(live.length, 4);
  t.is((await edit(author.client, { remove: live.slice(0, 3).map((option) => String(option.id)), confirm: "yes" })).status, 422, "at least two options stay");
  t.is((await sql("SELECT id FROM poll_options WHERE poll_id = :id AND removed_at IS NULL", { id: poll.pollId })).length, 4, "nothing removed");
});

test.serial("a contest: capped entries until a date, moderated, then a vote where nobody votes for their own entry", async (t) => {
  const { clock } = await import("../clock.ts");
  const hour = 3600_000;
  const at = (ms: number) => new Date(Date.now() + ms).toISOString();
  const post = (fields: Record<string, string>) => author.client.post("/compose/contest", { target: `group:${group.id}`, returnTo: group.url, ...fields });
  const refused = await post({ body: "Bad dates", submissionsCloseAt: at(2 * hour), closesAt: at(hour) });
  t.is(refused.status, 422);
  t.true(refused.text.includes("Voting must end after the entries close."));
  t.is((await post({ body: "Best photo of the offsite", submissionsCloseAt: at(hour), closesAt: at(2 * hour), maxEntries: "1", votesPerPerson: "1", moderated: "on" })).status, 303);
  const [poll] = await sql<{ id: number }>("SELECT id FROM polls WHERE title = 'Best photo of the offsite'");
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'contest' AND ref_id = :id", { id: poll.id });
  const [question] = await sql<{ id: number }>("SELECT id FROM poll_questions WHERE poll_id = :id", { id: poll.id });
  const base = `/polls/${content.id}`;
  const entryPage = async (client: Client) => entryHtml((await client.get(group.url)).text, content.id);

  t.is((await member.client.post(`${base}/entries`, { label: "Sunset" })).status, 303);
  const capped = await member.client.post(`${base}/entries`, { label: "Another one" });
  t.is(capped.status, 409);
  t.true(capped.text.includes("as many entries as this contest allows"));
  t.is((await colleague.client.post(`${base}/entries`, { label: "Mountain" })).status, 303);
  t.is((await outsider.client.post(`${base}/entries`, { label: "Outsider's" })).status, 403);
  const early = await member.client.post(`${base}/answer`, { [`q${question.id}`]: "1" });
  t.is(early.status, 409);
  t.true(early.text.includes("Voting opens once the entries close."));
  t.false((await entryPage(colleague.client)).includes("Entries awaiting approval"), "members do not see what waits for moderation");
  t.true((await entryPage(author.client)).includes("Entries awaiting approval"));
  const entries = await sql<{ id: number; label: string }>("SELECT id, label FROM poll_options WHERE poll_id = :id", { id: poll.id });
  const idOf = (label: string) => String(entries.find((entry) => entry.label === label)!.id);
  t.is((await member.client.post(`${base}/entries/${idOf("Sunset")}/approve`, {})).status, 403);
  t.is((await author.client.post(`${base}/entries/${idOf("Sunset")}/approve`, {})).status, 303);

  clock.now = () => new Date(Date.now() + hour + 60_000);
  try {
    const ballot = await entryPage(colleague.client);
    t.true(ballot.includes(`value="${idOf("Sunset")}"`));
    t.false(ballot.includes(`value="${idOf("Mountain")}"`), "an entry not approved stays off the ballot");
    t.is((await colleague.client.post(`${base}/answer`, { [`q${question.id}`]: idOf("Mountain") })).status, 422);
    t.is((await moderator.client.post(`${base}/entries/${idOf("Mountain")}/approve`, {})).status, 303, "the group's moderators approve too");
    const own = await member.client.post(`${base}/answer`, { [`q${question.id}`]: idOf("Sunset") });
    t.is(own.status, 403);
    t.true(own.text.includes("You may not vote for your own entry."));
    t.is((await member.client.post(`${base}/answer`, { [`q${question.id}`]: [idOf("Sunset"), idOf("Mountain")] })).status, 422, "one vote per person here");
    t.is((await member.client.post(`${base}/answer`, { [`q${question.id}`]: idOf("Mountain") })).status, 303);
    t.is((await colleague.client.post(`${base}/answer`, { [`q${question.id}`]: idOf("Sunset") })).status, 303);
    t.is((await groupAdmin.client.post(`${base}/answer`, { [`q${question.id}`]: idOf("Sunset") })).status, 303);
    t.is((await outsider.client.post(`${base}/entries`, { label: "Late" })).status, 409, "entries are closed");
  } finally {
    clock.now = () => new Date();
  }
  const counts = await sql<{ option_id: number; n: number | string }>("SELECT option_id, COUNT(*) AS n FROM poll_answer_choices WHERE question_id = :id GROUP BY option_id ORDER BY option_id", { id: question.id });
  t.deepEqual(counts.map((row) => [String(row.option_id), Number(row.n)]), [[idOf("Sunset"), 2], [idOf("Mountain"), 1]]);
  t.is((await sql("SELECT id FROM jobs WHERE kind = 'polls.open-voting'")).length, 1, "the end of the entries is queued to redraw cached pages");
});

test.serial("a contest's caps hold under entries and votes sent at once by one person (a cap of 2 each)", async (t) => {
  const { clock } = await import("../clock.ts");
  const hour = 3600_000;
  const at = (ms: number) => new Date(Date.now() + ms).toISOString();
  const created = await author.client.post("/compose/contest", { target: `group:${group.id}`, returnTo: group.url, body: "Fastest fingers", submissionsCloseAt: at(hour), closesAt: at(2 * hour), maxEntries: "2", votesPerPerson: "2" });
  t.is(created.status, 303);
  const [poll] = await sql<{ id: number }>("SELECT id FROM polls WHERE title = 'Fastest fingers'");
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'contest' AND ref_id = :id", { id: poll.id });
  const [question] = await sql<{ id: number }>("SELECT id FROM poll_questions WHERE poll_id = :id", { id: poll.id });
  const base = `/polls/${content.id}`;
  const statuses = (responses: { status: number }[]) => responses.map((response) => response.status).sort();

  const sent = await Promise.all(Array.from({ length: 10 }, (_, index) => member.client.post(`${base}/entries`, { label: `Rush ${index}` })));
  t.deepEqual(statuses(sent), [303, 303, 409, 409, 409, 409, 409, 409, 409, 409], "exactly two entries get in");
  for (const refused of sent.filter((response) => response.status === 409)) t.true(refused.text.includes("as many entries as this contest allows"));
  const mine = await sql<{ position: number }>("SELECT position FROM poll_options WHERE poll_id = :id AND added_by = :userId", { id: poll.id, userId: member.userId });
  t.is(mine.length, 2, "two entries written for the person, no more");
  for (const [person, labels] of [[colleague, ["Dawn", "Dusk"]], [groupAdmin, ["Tide", "Storm"]]] as const) {
    for (const label of labels) t.is((await person.client.post(`${base}/entries`, { label })).status, 303);
  }
  const positions = (await sql<{ position: number }>("SELECT position FROM poll_options WHERE poll_id = :id ORDER BY position", { id: poll.id })).map((row) => Number(row.position));
  t.deepEqual(positions, [1, 2, 3, 4, 5, 6], "entries sent at once took turns: no position twice");
  const entries = await sql<{ id: number; label: string }>("SELECT id, label FROM poll_options WHERE poll_id = :id", { id: poll.id });
  const idOf = (label: string) => String(entries.find((entry) => entry.label === label)!.id);
  const pairs = [["Dawn", "Dusk"], ["Dawn", "Tide"], ["Dawn", "Storm"], ["Dusk", "Tide"], ["Dusk", "Storm"], ["Tide", "Storm"], ["Dawn", "Dusk"], ["Tide", "Storm"], ["Dawn", "Tide"], ["Dusk", "Storm"]];
  const ballot = (pair: string[]) => member.client.post(`${base}/answer`, { [`q${question.id}`]: pair.map(idOf) });
  const choicesOfMember = () =>
    sql<{ option_id: number; answer_id: string }>("SELECT c.option_id, c.answer_id FROM poll_answer_choices c JOIN poll_answers a ON a.id = c.answer_id WHERE a.poll_id = :id AND a.user_id = :userId", { id: poll.id, userId: member.userId });

  clock.now = () => new Date(Date.now() + hour + 60_000);
  try {
    // A first ballot gets in; each other one either took its turn after it (a change, allowed in a contest) or
    // raced its participation row and was refused whole (PostgreSQL); never a second set of votes.
    const first = await Promise.all(pairs.map(ballot));
    t.true(first.some((response) => response.status === 303));
    t.true(first.every((response) => response.status === 303 || response.status === 409), statuses(first).join());
    for (const refused of first.filter((response) => response.status === 409)) t.true(refused.text.includes("Another answer of yours was being recorded at the same moment"));
    t.is((await choicesOfMember()).length, 2, "two votes written, no more");
    t.is((await sql("SELECT poll_id FROM poll_participations WHERE poll_id = :id AND user_id = :userId", { id: poll.id, userId: member.userId })).length, 1);

    // Changes sent at once take turns: each replaces the last, so the person still holds exactly their two votes.
    const changes = await Promise.all(pairs.map(ballot));
    t.deepEqual(statuses(changes), Array(10).fill(303), "a contest allows changing one's votes");
    const after = await choicesOfMember();
    t.is(after.length, 2, "still two votes after ten changes at once");
    t.is(new Set(after.map((choice) => choice.answer_id)).size, 1, "both from one ballot");
    const chosen = after.map((choice) => String(choice.option_id)).sort();
    t.true(pairs.some((pair) => pair.map(idOf).sort().join() === chosen.join()), "the two votes are one of the ballots sent");
    t.is((await sql("SELECT id FROM poll_answers WHERE poll_id = :id AND user_id = :userId", { id: poll.id, userId: member.userId })).length, 1);
  } finally {
    clock.now = () => new Date();
  }
});

test.serial("switched off in the group: no tab, no entry, no answer, no export; switched on again, all is back", async (t) => {
  const poll = await createPoll("Still here after the switch?", { options: "A\nB" });
  t.is((await owner.post(`${group.url}/modules/polls`, { state: "disabled" })).status, 302);
  const page = (await member.client.get(group.url)).text;
  t.false(page.includes('data-kind="poll"'));
  t.false(page.includes(`id="content-${poll.contentId}"`));
  t.is((await vote(member.client, poll, "A")).status, 404);
  t.is((await author.client.get(`/polls/${poll.contentId}/results.csv`)).status, 404);
  t.is((await author.client.post("/compose/poll", { target: `group:${group.id}`, returnTo: group.url, body: "Off?", options: "A\nB" })).status, 403);
  t.deepEqual(await sql("SELECT id FROM poll_answers WHERE poll_id = :id", { id: poll.pollId }), []);
  t.is((await owner.post(`${group.url}/modules/polls`, { state: "enabled" })).status, 302);
  t.is((await vote(member.client, poll, "A")).status, 303);
});
