import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { waitUntil } from "../../../test/notifications/helpers.ts";
import { addMember, createGroup, type CreatedGroup } from "../../groups/test/helpers.ts";

// A contest's winner announcement over HTTP: posted in the group's stream when the contest closes (by hand or
// by its deadline's job), exactly once (closing again, or reopening and closing, adds none), a tie named as one.
let app: TestApp;
let author: { client: Client; userId: number };
let member: { client: Client; userId: number };
let colleague: { client: Client; userId: number };
let voter: { client: Client; userId: number };
let group: CreatedGroup;

test.before(async () => {
  app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
  const admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "polls"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  const owner = (await app.signedIn("member", { displayName: "Gina Groupowner" })).client;
  group = await createGroup(owner, { name: "Contest room", visibility: "private" });
  author = await app.signedIn("member", { displayName: "Ann Author" });
  member = await app.signedIn("member", { displayName: "Mia Member" });
  colleague = await app.signedIn("member", { displayName: "Carl Colleague" });
  voter = await app.signedIn("member", { displayName: "Vic Voter" });
  for (const person of [author, member, colleague, voter]) await addMember(group.id, person.userId);
  if ((await owner.post(`${group.url}/modules/polls`, { state: "enabled" })).status !== 302) throw new Error("polls not on in the group");
});
test.after.always(() => app?.close());

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
const at = (ms: number) => new Date(Date.now() + ms).toISOString();

/** A contest with two entries (Mia's "Sunset", Carl's "Mountain"): its content id, its ballot field and each entry's option id. */
async function contest(title: string, submissionsMs: number, closesMs: number) {
  const created = await author.client.post("/compose/contest", { target: `group:${group.id}`, returnTo: group.url, body: title, submissionsCloseAt: at(submissionsMs), closesAt: at(closesMs), maxEntries: "1", votesPerPerson: "1" });
  if (created.status !== 303) throw new Error(`contest refused: ${created.status}`);
  const [poll] = await sql<{ id: number }>("SELECT id FROM polls WHERE title = :title", { title });
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'contest' AND ref_id = :id", { id: poll.id });
  const [question] = await sql<{ id: number }>("SELECT id FROM poll_questions WHERE poll_id = :id", { id: poll.id });
  const base = `/polls/${content.id}`;
  if ((await member.client.post(`${base}/entries`, { label: "Sunset" })).status !== 303) throw new Error("entry refused");
  if ((await colleague.client.post(`${base}/entries`, { label: "Mountain" })).status !== 303) throw new Error("entry refused");
  const options = await sql<{ id: number; label: string }>("SELECT id, label FROM poll_options WHERE poll_id = :id", { id: poll.id });
  const idOf = (label: string) => String(options.find((option) => option.label === label)!.id);
  return { pollId: poll.id, base, field: `q${question.id}`, idOf };
}
const announcements = (pollId: number) => sql<{ id: number; author_id: number; container_id: number }>("SELECT id, author_id, container_id FROM contents WHERE type = 'contest-winner' AND ref_id = :id", { id: pollId });

test.serial("closing a contest by hand announces its winner once, also when closed again or reopened and closed", async (t) => {
  const { clock } = await import("../clock.ts");
  const hour = 3600_000;
  const { pollId, base, field, idOf } = await contest("Best photo of the offsite", hour, 2 * hour);
  clock.now = () => new Date(Date.now() + hour + 60_000);
  try {
    t.is((await member.client.post(`${base}/answer`, { [field]: idOf("Mountain") })).status, 303);
    t.is((await colleague.client.post(`${base}/answer`, { [field]: idOf("Sunset") })).status, 303);
    t.is((await voter.client.post(`${base}/answer`, { [field]: idOf("Sunset") })).status, 303);
    t.deepEqual(await announcements(pollId), [], "nothing announced while voting is open");
    t.is((await member.client.post(`${base}/close`, {})).status, 403, "only the author or a moderator closes");
    t.deepEqual(await announcements(pollId), []);
    t.is((await author.client.post(`${base}/close`, {})).status, 303);
    const [announced, ...more] = await announcements(pollId);
    t.is(more.length, 0);
    t.is(announced.author_id, author.userId, "written by the contest's author");
    t.is(announced.container_id, group.id);
    const stream = (await voter.client.get(group.url)).text;
    t.true(stream.includes("Winner of Best photo of the offsite: Sunset by Mia Member"), "the group's stream shows the winner");
    t.true(stream.includes("2 votes"));

    t.is((await author.client.post(`${base}/close`, {})).status, 303);
    t.is((await author.client.post(`${base}/reopen`, {})).status, 303);
    t.is((await voter.client.post(`${base}/answer`, { [field]: idOf("Mountain") })).status, 303, "reopened: votes may change");
    t.is((await author.client.post(`${base}/close`, {})).status, 303);
    await Promise.all([author.client.post(`${base}/close`, {}), author.client.post(`${base}/close`, {})]);
    t.is((await announcements(pollId)).length, 1, "never a second announcement");
    const page = (await voter.client.get(group.url)).text;
    t.is(page.split("Winner of Best photo of the offsite").length - 1, 1);
    const outsider = await app.signedIn("member", { displayName: "Otto Outsider" });
    t.is((await outsider.client.get(`/c/${announced.id}`)).status, 404, "the private group's announcement stays in it");
  } finally {
    clock.now = () => new Date();
  }
});

test.serial("a tie is announced as a tie, naming every winner", async (t) => {
  const { clock } = await import("../clock.ts");
  const hour = 3600_000;
  const { pollId, base, field, idOf } = await contest("Best pun", hour, 2 * hour);
  clock.now = () => new Date(Date.now() + hour + 60_000);
  try {
    t.is((await member.client.post(`${base}/answer`, { [field]: idOf("Mountain") })).status, 303);
    t.is((await colleague.client.post(`${base}/answer`, { [field]: idOf("Sunset") })).status, 303);
    // Three closes at once: each may find the contest unannounced; the database's guard lets one write.
    const closes = await Promise.all([1, 2, 3].map(() => author.client.post(`${base}/close`, {})));
    t.deepEqual(closes.map((response) => response.status), [303, 303, 303]);
  } finally {
    clock.now = () => new Date();
  }
  t.is((await announcements(pollId)).length, 1);
  const stream = (await member.client.get(group.url)).text;
  t.true(stream.includes("Tie in Best pun: these entries share the win"));
  t.true(stream.includes("Sunset by Mia Member"));
  t.true(stream.includes("Mountain by Carl Colleague"));
  t.false(stream.includes("Winner of Best pun"));
});

test.serial("a contest's deadline job announces the winner when voting ends", async (t) => {
  const { pollId, base, field, idOf } = await contest("Quick draw", 2500, 5000);
  await waitUntil(async () => (await voter.client.post(`${base}/answer`, { [field]: idOf("Mountain") })).status === 303, "voting opens", 10_000);
  t.deepEqual(await announcements(pollId), []);
  await waitUntil(async () => (await announcements(pollId)).length > 0, "the winner announced", 15_000);
  t.true((await member.client.get(group.url)).text.includes("Winner of Quick draw: Mountain by Carl Colleague"));
  const [closed] = await sql<{ closed_at: unknown; winner_announced_at: unknown }>("SELECT closed_at, winner_announced_at FROM polls WHERE id = :id", { id: pollId });
  t.truthy(closed.closed_at);
  t.truthy(closed.winner_announced_at);
  t.is((await author.client.post(`${base}/close`, {})).status, 303);
  t.is((await announcements(pollId)).length, 1, "a close after the job's announces nothing more");
});

test.serial("an entry may carry an image: shown in the contest to its readers, a non-image refused, nothing for outsiders", async (t) => {
  const { tinyPng } = await import("../../../test/admin/images.ts");
  const hour = 3600_000;
  const created = await author.client.post("/compose/contest", { target: `group:${group.id}`, returnTo: group.url, body: "Best drawing", submissionsCloseAt: at(hour), closesAt: at(2 * hour), maxEntries: "2", votesPerPerson: "1" });
  t.is(created.status, 303);
  const [poll] = await sql<{ id: number }>("SELECT id FROM polls WHERE title = 'Best drawing'");
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'contest' AND ref_id = :id", { id: poll.id });
  const base = `/polls/${content.id}`;
  await member.client.get(group.url);
  const send = (label: string, file: Blob, name: string) => {
    const form = new FormData();
    form.set("label", label);
    form.set("files", file, name);
    return member.client.request("POST", `${base}/entries?_csrf=${encodeURIComponent(member.client.csrfToken)}`, { body: form });
  };
  const refused = await send("Not a picture", new Blob(["just text, no image"], { type: "image/png" }), "fake.png");
  t.true(refused.status >= 400 && refused.status < 500, `a non-image is refused (${refused.status})`);
  t.deepEqual(await sql("SELECT id FROM poll_options WHERE poll_id = :id", { id: poll.id }), [], "nothing written");
  t.is((await send("Blue square", new Blob([new Uint8Array(tinyPng(4, 4))], { type: "image/png" }), "square.png")).status, 303);
  const [option] = await sql<{ id: number; image_file_id: number | null }>("SELECT id, image_file_id FROM poll_options WHERE poll_id = :id", { id: poll.id });
  t.truthy(option.image_file_id);
  const imageUrl = `${base}/entries/${option.id}/image`;
  const { clock } = await import("../clock.ts");
  clock.now = () => new Date(Date.now() + hour + 60_000);
  try {
    t.true((await colleague.client.get(group.url)).text.includes(`${imageUrl}?size=thumb`), "the ballot shows the entry's image");
  } finally {
    clock.now = () => new Date();
  }
  t.is((await author.client.post(`${base}/close`, {})).status, 303);
  t.true((await colleague.client.get(group.url)).text.includes(`${imageUrl}?size=thumb`), "the results show the entry's image too");
  const seen = await colleague.client.get(imageUrl);
  t.is(seen.status, 200);
  t.is(seen.headers.get("content-type"), "image/png");
  const outsider = await app.signedIn("member", { displayName: "Olga Outsider" });
  t.is((await outsider.client.get(imageUrl)).status, 404, "an outsider cannot fetch the image");
  t.is((await app.client().get(imageUrl)).status, 404, "nor can someone signed out");
});

test.serial("a contest deleted for good takes its winner announcement along; in the trash, both stay restorable", async (t) => {
  const { clock } = await import("../clock.ts");
  const hour = 3600_000;
  const { pollId, base, field, idOf } = await contest("Best slogan", hour, 2 * hour);
  clock.now = () => new Date(Date.now() + hour + 60_000);
  try {
    t.is((await voter.client.post(`${base}/answer`, { [field]: idOf("Sunset") })).status, 303);
    t.is((await author.client.post(`${base}/close`, {})).status, 303);
  } finally {
    clock.now = () => new Date();
  }
  const [announced] = await announcements(pollId);
  t.truthy(announced);
  const contestId = Number(base.split("/").pop());
  t.is((await author.client.post(`/c/${contestId}/delete`, {})).status, 302);
  const inTrash = (await voter.client.get(group.url)).text;
  t.true(inTrash.includes("Winner of Best slogan: Sunset by Mia Member"), "while the contest can be restored, its announcement stays");
  t.true(inTrash.includes(`id="content-${announced.id}"`));
  t.false(inTrash.includes(`<a href="/c/${contestId}">See the contest</a>`), "without a link to the contest in the trash");
  t.is((await author.client.post(`/c/${contestId}/restore`, {})).status, 302);
  t.true((await voter.client.get(group.url)).text.includes(`<a href="/c/${contestId}">See the contest</a>`), "restored, the link is back");
  t.is((await author.client.post(`/c/${contestId}/delete`, {})).status, 302);

  // Past the restore window, the daily purge deletes the contest for good, and its announcement with it.
  await sql("UPDATE contents SET deleted_at = :at WHERE id = :id", { at: new Date(Date.now() - 31 * 24 * hour), id: contestId });
  const { purgeDeletedContents } = await import("../../../core/content/moderation/purge.ts");
  t.true((await purgeDeletedContents(app.app)) >= 1);
  t.deepEqual(await sql("SELECT id FROM contents WHERE id IN (:ids)", { ids: [contestId, announced.id] }), [], "both content rows are gone");
  t.deepEqual(await sql("SELECT id FROM polls WHERE id = :id", { id: pollId }), []);
  const stream = (await voter.client.get(group.url)).text;
  t.false(stream.includes("Best slogan"), "nothing of the contest is left in the stream");
  t.false(stream.includes(`id="content-${announced.id}"`), "no empty announcement entry either");
  t.is((await voter.client.get(`/c/${announced.id}`)).status, 404);
});
