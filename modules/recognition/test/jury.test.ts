import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { publish, usernameOf } from "../../../test/helpers/content.ts";
import { addMember, createGroup } from "../../groups/test/helpers.ts";
import { setClock } from "../clock.ts";

// The jury: admins name jurors with a budget per period; jurors award points to posts and comments with a
// reason; the ledger is append-only and exported as CSV; the budget holds under 50 awards at once and starts
// full again at the next period, with nothing carried over.
type Person = { client: Client; userId: number; username: string };

let app: TestApp;
let admin: Client;
let juror: Person, author: Person, member: Person, guest: Person;
const posts = { company: 0, own: 0, secret: 0 };
let commentId = 0;
let ownCommentId = 0;

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
const spent = async (key: string) => Number((await sql<{ spent: number }>("SELECT spent FROM recognition_budgets WHERE juror_id = :id AND period_key = :key", { id: juror.userId, key }))[0]?.spent ?? 0);
const awardCount = async () => Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM recognition_awards"))[0].n);
const awardPoints = (client: Client, fields: Record<string, string>) => client.post("/recognition/awards", { content: String(posts.company), reason: "Clear and kind", ...fields });

async function person(role: "member" | "guest", displayName: string): Promise<Person> {
  const signed = await app.signedIn(role, { displayName });
  return { ...signed, username: await usernameOf(signed.userId) };
}

test.before(async () => {
  app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
  admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "recognition"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  juror = await person("member", "Jules Juror");
  author = await person("member", "Aline Author");
  member = await person("member", "Mo Member");
  guest = await person("guest", "Gus Guest");
  posts.company = await publish(author.client, { target: "company:0", body: "How we cut the build time in half" });
  posts.own = await publish(juror.client, { target: "company:0", body: "My own notes" });
  const secret = await createGroup(author.client, { name: "Closed room", visibility: "secret" });
  await addMember(secret.id, member.userId);
  posts.secret = await publish(author.client, { target: `group:${secret.id}`, body: "Secret plans" });
  await member.client.post(`/c/${posts.company}/comments`, { body: "And the tests run in parallel now", parentId: "" });
  await juror.client.post(`/c/${posts.company}/comments`, { body: "Well done", parentId: "" });
  const comments = await sql<{ id: number; author_id: number }>("SELECT id, author_id FROM comments WHERE content_id = :id ORDER BY id", { id: posts.company });
  commentId = comments.find((row) => row.author_id === member.userId)!.id;
  ownCommentId = comments.find((row) => row.author_id === juror.userId)!.id;
  setClock(new Date("2026-05-31T23:00:00Z"));
});
test.after.always(async () => {
  setClock(null);
  await app?.close();
});

test.serial("admins name jurors; other roles cannot; non-jurors cannot award", async (t) => {
  for (const client of [member.client, guest.client, juror.client]) {
    t.is((await client.get("/admin/recognition/jury")).status, 403);
    t.is((await client.post("/admin/recognition/jury", { username: member.username, budget: "100", period: "month" })).status, 403);
    t.is((await client.get("/admin/recognition/awards.csv")).status, 403);
  }
  t.is((await awardPoints(juror.client, { points: "5" })).status, 403, "not a juror yet");
  t.is((await juror.client.get(`/recognition/awards/new?content=${posts.company}`)).status, 403);
  t.false((await juror.client.get("/")).text.includes("/recognition/awards/new?content="), "no award action for non-jurors");
  t.is((await admin.post("/admin/recognition/jury", { username: guest.username, budget: "100", period: "month" })).status, 422, "guests cannot be jurors");
  t.is((await admin.post("/admin/recognition/jury", { username: juror.username, budget: "0", period: "month" })).status, 422);
  t.is((await admin.post("/admin/recognition/jury", { username: juror.username, budget: "100", period: "week" })).status, 422);
  t.is((await admin.post("/admin/recognition/jury", { username: juror.username, budget: "100" })).status, 302, "monthly by default");
  t.like((await sql("SELECT budget, period FROM recognition_jurors WHERE user_id = :id", { id: juror.userId }))[0], { budget: 100, period: "month" });
  t.regex((await admin.get("/admin/recognition/jury")).text, /Jules Juror<\/td>\s*<td>100 points a month<\/td>\s*<td>100<\/td>/);
});

test.serial("a juror awards posts and comments with a reason, never their own, never more than the budget", async (t) => {
  const home = (await juror.client.get("/")).text;
  t.true(home.includes(`/recognition/awards/new?content=${posts.company}`), "the award action under other people's entries");
  t.false(home.includes(`/recognition/awards/new?content=${posts.own}`), "not under the juror's own");
  const form = await juror.client.get(`/recognition/awards/new?content=${posts.company}`);
  t.true(form.text.includes("You have 100 of 100 points left for 2026-05."));
  t.true(form.text.includes("Comment: And the tests run in parallel now"));
  t.false(form.text.includes("Comment: Well done"), "the juror's own comment is not offered");

  t.is((await awardPoints(juror.client, { points: "30" })).status, 302);
  t.is((await awardPoints(juror.client, { points: "20", comment: String(commentId), reason: "Good point" })).status, 302);
  const refusedOwn = await awardPoints(juror.client, { content: String(posts.own), points: "5" });
  t.is(refusedOwn.status, 422);
  t.true(refusedOwn.text.includes("You cannot award points to your own post or comment."));
  t.is((await awardPoints(juror.client, { points: "5", comment: String(ownCommentId) })).status, 422, "nor their own comment");
  t.is((await awardPoints(juror.client, { content: String(posts.secret), points: "5" })).status, 404, "nor what they cannot read");
  t.is((await awardPoints(juror.client, { points: "5", comment: "999999" })).status, 404);
  const { Content } = await import("../../../core/models/content.ts");
  await Content.update({ hiddenAt: new Date() }, { where: { id: posts.company } });
  t.is((await awardPoints(juror.client, { points: "5" })).status, 404, "nor a post hidden by moderators");
  await Content.update({ hiddenAt: null }, { where: { id: posts.company } });
  t.is((await awardPoints(juror.client, { points: "0" })).status, 422);
  t.is((await awardPoints(juror.client, { points: "5", reason: "" })).status, 422);
  const over = await awardPoints(juror.client, { points: "51" });
  t.is(over.status, 422);
  t.true(over.text.includes("more than the points you have left"));
  t.is(await spent("2026-05"), 50);
  t.deepEqual(
    await sql("SELECT content_id, comment_id, author_id, points, reason, period_key FROM recognition_awards ORDER BY id"),
    [
      { content_id: posts.company, comment_id: null, author_id: author.userId, points: 30, reason: "Clear and kind", period_key: "2026-05" },
      { content_id: posts.company, comment_id: commentId, author_id: member.userId, points: 20, reason: "Good point", period_key: "2026-05" },
    ],
  );
});

test.serial("the ledger is append-only in the database, and exported as CSV", async (t) => {
  for (const statement of ["UPDATE recognition_awards SET points = 1", "DELETE FROM recognition_awards"]) {
    const error = (await t.throwsAsync(app.app.sequelize.query(statement))) as Error & { original?: Error };
    t.regex(error.original?.message ?? error.message, /append-only/, statement);
  }
  t.is(await awardCount(), 2);
  await awardPoints(juror.client, { points: "1", reason: "=HYPERLINK(\"http://evil\")" });
  const csv = await admin.get("/admin/recognition/awards.csv");
  t.is(csv.status, 200);
  t.regex(csv.headers.get("content-type") ?? "", /^text\/csv/);
  const lines = csv.text.trim().split("\r\n");
  t.is(lines[0], "id,created_at,juror,content_id,comment_id,points,reason,period");
  t.is(lines.length, 4);
  t.true(lines[1].includes(`,${juror.username},${posts.company},,30,Clear and kind,2026-05`));
  t.true(lines[3].includes(`"'=HYPERLINK(""http://evil"")"`), "a formula is neutralised");
});

test.serial("50 awards at once never overspend the budget", async (t) => {
  const before = await spent("2026-05"); // 51 of 100
  const answers = await Promise.all(Array.from({ length: 50 }, () => awardPoints(juror.client, { points: "3" })));
  const accepted = answers.filter((answer) => answer.status === 302).length;
  t.is(accepted, Math.floor((100 - before) / 3), "as many as the budget allows, no more");
  t.true(answers.every((answer) => [302, 422].includes(answer.status)));
  t.is(await spent("2026-05"), before + accepted * 3);
  t.true((await spent("2026-05")) <= 100);
  const ledger = Number((await sql<{ total: number }>("SELECT SUM(points) AS total FROM recognition_awards WHERE juror_id = :id AND period_key = '2026-05'", { id: juror.userId }))[0].total);
  t.is(ledger, await spent("2026-05"), "the ledger and the budget agree");
});

test.serial("a new period starts with the full budget, nothing carried over; the budget row refuses an overspend itself", async (t) => {
  t.true((await awardPoints(juror.client, { points: "5" })).status === 422, "May is spent");
  setClock(new Date("2026-06-01T00:00:00Z"));
  t.true((await juror.client.get(`/recognition/awards/new?content=${posts.company}`)).text.includes("You have 100 of 100 points left for 2026-06."));
  t.is((await awardPoints(juror.client, { points: "101" })).status, 422, "no carry-over from May");
  t.is((await awardPoints(juror.client, { points: "100" })).status, 302);
  t.is(await spent("2026-06"), 100);
  await t.throwsAsync(app.app.sequelize.query("UPDATE recognition_budgets SET spent = spent + 1 WHERE juror_id = :id AND period_key = '2026-06'", { replacements: { id: juror.userId } }), undefined, "the CHECK constraint");
  // Removed from the jury: no more awards, the ledger stays.
  t.is((await admin.post(`/admin/recognition/jury/${juror.userId}/remove`)).status, 302);
  setClock(new Date("2026-07-01T00:00:00Z"));
  t.is((await awardPoints(juror.client, { points: "1" })).status, 403);
  t.true((await awardCount()) > 3);
});
