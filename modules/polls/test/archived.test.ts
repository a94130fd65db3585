import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { entryHtml } from "../../../test/comments/helpers.ts";
import { addMember, createGroup, type CreatedGroup } from "../../groups/test/helpers.ts";

// An archived group is read only: its polls, quizzes and live runs still show, and every write to them — an
// answer, an added option, closing, settings, a live move or a live answer — is refused (403) with nothing written.
let app: TestApp;
let owner: Client;
let author: { client: Client; userId: number };
let member: { client: Client; userId: number };
let group: CreatedGroup;

test.before(async () => {
  app = await startApp();
  const admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "polls"]) if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(id);
  owner = (await app.signedIn("member", { displayName: "Gina Groupowner" })).client;
  group = await createGroup(owner, { name: "Finished project", visibility: "private" });
  author = await app.signedIn("member", { displayName: "Ann Author" });
  member = await app.signedIn("member", { displayName: "Mia Member" });
  for (const person of [author, member]) await addMember(group.id, person.userId);
  if ((await owner.post(`${group.url}/modules/polls`, { state: "enabled" })).status !== 302) throw new Error("polls not on in the group");
});
test.after.always(() => app?.close());

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });

async function created(kind: "poll" | "quiz", title: string, fields: Record<string, string>) {
  const response = await author.client.post(`/compose/${kind}`, { target: `group:${group.id}`, returnTo: group.url, body: title, ...fields });
  if (response.status !== 303) throw new Error(`${kind} refused: ${response.status} ${response.text.slice(0, 300)}`);
  const [poll] = await sql<{ id: number }>("SELECT id FROM polls WHERE title = :title", { title });
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = :kind AND ref_id = :id", { kind, id: poll.id });
  const [question] = await sql<{ id: number }>("SELECT id FROM poll_questions WHERE poll_id = :id ORDER BY position", { id: poll.id });
  const options = await sql<{ id: number; label: string }>("SELECT id, label FROM poll_options WHERE poll_id = :id", { id: poll.id });
  return { contentId: content.id, pollId: poll.id, field: `q${question.id}`, option: (label: string) => String(options.find((row) => row.label === label)!.id) };
}
const count = async (table: string, pollId: number) => Number((await sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE poll_id = :pollId`, { pollId }))[0].n);

test.serial("in an archived group a poll shows but takes no answer, option, close or settings, and a live quiz cannot be moved or answered", async (t) => {
  const poll = await created("poll", "Where do we meet?", { options: "Lyon\nParis", allowChange: "on", membersAddOptions: "on" });
  const quiz = await created("quiz", "Archive quiz", { questions: "? Capital of France?\n- Lyon\n+ Paris" });
  t.is((await author.client.post(`/polls/${poll.contentId}/answer`, { [poll.field]: poll.option("Lyon") })).status, 303, "before: answers are taken");
  t.is((await author.client.post(`/polls/${quiz.contentId}/live/start`, {})).status, 303, "before: a live run starts");
  const answersBefore = await count("poll_participations", poll.pollId);
  const optionsBefore = await count("poll_options", poll.pollId);

  t.is((await owner.post(`${group.url}/archive`, {})).status, 302);

  const entry = entryHtml((await member.client.get(group.url)).text, poll.contentId);
  t.true(entry.includes("Where do we meet?"), "the poll still shows");
  t.true(entry.includes("This group is archived: its polls can be read, not answered."));
  t.false(entry.includes(`action="/polls/${poll.contentId}/answer"`), "no ballot");
  t.false(entry.includes(`action="/polls/${poll.contentId}/options"`), "no form to add an option");

  const refused = await member.client.post(`/polls/${poll.contentId}/answer`, { [poll.field]: poll.option("Paris") });
  t.is(refused.status, 403);
  t.true(refused.text.includes("This group is archived: nothing in its polls can be changed."), "the reason is given");
  t.is((await member.client.post(`/polls/${poll.contentId}/options`, { label: "Nantes" })).status, 403);
  t.is((await author.client.post(`/polls/${poll.contentId}/close`, {})).status, 403);
  t.is((await author.client.post(`/polls/${poll.contentId}/settings`, { resultsVisibility: "always" })).status, 403);
  t.is(await count("poll_participations", poll.pollId), answersBefore, "no answer written");
  t.is(await count("poll_options", poll.pollId), optionsBefore, "no option written");
  const [row] = await sql<{ closed_at: string | null }>("SELECT closed_at FROM polls WHERE id = :id", { id: poll.pollId });
  t.is(row.closed_at, null, "not closed");

  const live = `/polls/${quiz.contentId}/live`;
  t.is((await member.client.get(live)).status, 200, "a live run can still be watched");
  const [before] = await sql<{ step: number }>("SELECT step FROM quiz_live_sessions WHERE poll_id = :id", { id: quiz.pollId });
  for (const path of ["next", "close", "finish"]) t.is((await author.client.post(`${live}/${path}`, { step: String(before.step) })).status, 403, `live ${path} refused`);
  t.is((await member.client.post(`${live}/answer`, { step: String(before.step) })).status, 403, "live answer refused");
  const [after] = await sql<{ step: number }>("SELECT step FROM quiz_live_sessions WHERE poll_id = :id", { id: quiz.pollId });
  t.is(after.step, before.step, "the run did not move");
});
