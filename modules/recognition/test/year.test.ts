import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { publish, usernameOf } from "../../../test/helpers/content.ts";
import { entryHtml } from "../../../test/comments/helpers.ts";
import { addMember, createGroup } from "../../groups/test/helpers.ts";
import { setClock } from "../clock.ts";

// "Message of the year": the admins shortlist the year's most awarded posts every member may read, the
// jurors vote once each, and closing the vote posts the result to the company stream.
type Person = { client: Client; userId: number; username: string };

let app: TestApp;
let admin: Client;
let jurors: Person[] = [];
let authorA: Person, authorB: Person, member: Person;
const posts = { a: 0, b: 0, byJuror: 0, secret: 0 };

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });

async function person(displayName: string): Promise<Person> {
  const signed = await app.signedIn("member", { displayName });
  return { ...signed, username: await usernameOf(signed.userId) };
}

async function award(juror: Person, content: number, points: number) {
  const answer = await juror.client.post("/recognition/awards", { content: String(content), points: String(points), reason: "Great" });
  if (answer.status !== 302) throw new Error(`award refused: ${answer.status}`);
}

test.before(async () => {
  app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
  admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "recognition"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  jurors = [await person("Jury One"), await person("Jury Two"), await person("Jury Three")];
  for (const juror of jurors) await admin.post("/admin/recognition/jury", { username: juror.username, budget: "100", period: "year" });
  authorA = await person("Alma Author");
  authorB = await person("Boris Author");
  member = await person("Mia Member");
  posts.a = await publish(authorA.client, { target: "company:0", body: "The onboarding guide I wish I had" });
  posts.b = await publish(authorB.client, { target: "company:0", body: "Lessons from the outage" });
  posts.byJuror = await publish(jurors[1].client, { target: "company:0", body: "A juror's own post" });
  const secret = await createGroup(authorA.client, { name: "Secret lab", visibility: "secret" });
  await addMember(secret.id, jurors[0].userId);
  posts.secret = await publish(authorA.client, { target: `group:${secret.id}`, body: "Lab notes" });
  setClock(new Date("2026-06-15T12:00:00Z"));
  await award(jurors[0], posts.a, 50);
  await award(jurors[0], posts.secret, 40);
  await award(jurors[2], posts.b, 30);
  await award(jurors[0], posts.byJuror, 10);
  setClock(new Date("2026-12-20T12:00:00Z"));
});
test.after.always(async () => {
  setClock(null);
  await app?.close();
});

test.serial("admins shortlist the year's most awarded posts that every member may read", async (t) => {
  t.is((await member.client.get("/admin/recognition/year")).status, 403);
  t.is((await jurors[0].client.post("/admin/recognition/year/2026", { candidates: [String(posts.a), String(posts.b)] })).status, 403);
  const page = await admin.get("/admin/recognition/year");
  t.true(page.text.includes("Message of the year 2026"), "this year by default (fixed clock)");
  const offered = [...page.text.matchAll(/name="candidates" value="(\d+)"/g)].map((match) => Number(match[1]));
  t.deepEqual(offered, [posts.a, posts.b, posts.byJuror], "by jury points; the secret group's post is never offered");
  t.is((await admin.post("/admin/recognition/year/2026", { candidates: String(posts.a) })).status, 422, "at least two");
  t.is((await admin.post("/admin/recognition/year/2026", { candidates: [String(posts.a), String(posts.secret)] })).status, 422, "only suggested posts");
  t.is((await admin.post("/admin/recognition/year/1999", { candidates: [String(posts.a), String(posts.b)] })).status, 404);
  t.deepEqual(await sql("SELECT year FROM recognition_year_votes"), []);
  t.is((await admin.post("/admin/recognition/year/2026", { candidates: [String(posts.a), String(posts.b), String(posts.byJuror)] })).status, 302);
  t.is((await admin.post("/admin/recognition/year/2026", { candidates: [String(posts.a), String(posts.b)] })).status, 422, "one shortlist a year");
});

test.serial("jurors vote once each, never for their own post; closing posts the result to the stream", async (t) => {
  t.is((await member.client.get("/recognition/year/2026")).status, 403, "members do not vote");
  t.is((await member.client.post("/recognition/year/2026/vote", { content: String(posts.a) })).status, 403);
  t.true((await jurors[0].client.get("/recognition")).text.includes('href="/recognition/year/2026"'), "jurors find the vote from the wall");
  const ballot = await jurors[0].client.get("/recognition/year/2026");
  t.is(ballot.status, 200);
  t.true(ballot.text.includes("The onboarding guide I wish I had"));
  t.is((await admin.post("/admin/recognition/year/2026/close")).status, 422, "nobody voted yet");

  const twice = await Promise.all([jurors[0].client.post("/recognition/year/2026/vote", { content: String(posts.a) }), jurors[0].client.post("/recognition/year/2026/vote", { content: String(posts.b) })]);
  t.deepEqual(twice.map((answer) => answer.status).sort(), [302, 422], "two votes at once: one counts");
  t.true((await jurors[0].client.post("/recognition/year/2026/vote", { content: String(posts.a) })).text.includes("already voted"));
  t.true((await jurors[1].client.post("/recognition/year/2026/vote", { content: String(posts.byJuror) })).text.includes("your own post"));
  t.true((await jurors[1].client.post("/recognition/year/2026/vote", { content: String(posts.secret) })).text.includes("Choose one of the shortlisted posts"));
  t.is((await jurors[1].client.post("/recognition/year/2026/vote", { content: String(posts.a) })).status, 302);
  t.is((await jurors[2].client.post("/recognition/year/2026/vote", { content: String(posts.b) })).status, 302);
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM recognition_year_ballots"))[0].n), 3);

  const closed = await admin.post("/admin/recognition/year/2026/close");
  t.is(closed.status, 302);
  const resultId = Number(/\/c\/(\d+)/.exec(closed.location)?.[1]);
  const [vote] = await sql<{ status: string; winner_content_id: number; result_content_id: number }>("SELECT status, winner_content_id, result_content_id FROM recognition_year_votes");
  t.deepEqual({ ...vote }, { status: "closed", winner_content_id: posts.a, result_content_id: resultId });
  const shown = entryHtml((await member.client.get("/")).text, resultId);
  t.true(shown.includes("Message of the year 2026"), "in the company stream");
  t.regex(shown, new RegExp(`The jury chose the post by Alma Author \\(2 votes\\)\\. <a href="/c/${posts.a}">Read it</a>`));
  t.regex((await member.client.get("/", { "accept-language": "fr" })).text, /Message de l(?:'|&#39;)année 2026/);
  t.is((await jurors[2].client.post("/recognition/year/2026/vote", { content: String(posts.a) })).status, 422, "closed");
  t.is((await admin.post("/admin/recognition/year/2026/close")).status, 422, "closed once");
});
