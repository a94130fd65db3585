import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { publish, usernameOf } from "../../../test/helpers/content.ts";
import { jobsDone } from "../../../test/helpers/jobs.ts";
import { notificationsOf, queueDrained, waitUntil } from "../../../test/notifications/helpers.ts";
import { setClock } from "../clock.ts";

// Automatic badges: declarative rules over what people did, applied in background work to past activity
// when a rule is made, then every hour; a revoking rule takes its badge back when it no longer holds.
type Person = { client: Client; userId: number; username: string };

let app: TestApp;
let admin: Client;
let giver: Person, ana: Person, bruno: Person;
const badges = { appreciated: 0, writer: 0, veteran: 0 };
const kudosOfAna: number[] = [];

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
const holders = async (badgeId: number) => (await sql<{ user_id: number }>("SELECT user_id FROM recognition_badge_grants WHERE badge_id = :badgeId AND revoked_at IS NULL ORDER BY user_id", { badgeId })).map((row) => row.user_id);
const earnedOn = async (person: Person) => /<section class="card recognition-earned">([\s\S]*?)<\/section>/.exec((await giver.client.get(`/u/${person.username}/recognition`)).text)?.[1] ?? "";

async function person(displayName: string): Promise<Person> {
  const signed = await app.signedIn("member", { displayName });
  return { ...signed, username: await usernameOf(signed.userId) };
}

async function thank(recipient: Person): Promise<number> {
  const answer = await giver.client.post("/compose/kudos", { target: "company:0", returnTo: "/", recipients: recipient.username, badge: String(badges.appreciated), body: "Thanks" });
  if (answer.status !== 303) throw new Error(`kudos refused: ${answer.status}`);
  return Number((await sql<{ content_id: number }>("SELECT content_id FROM recognition_kudos ORDER BY id DESC LIMIT 1"))[0].content_id);
}

/** One period of the hourly rule work, through the job queue, as the worker runs it. */
async function runHourly() {
  const { enqueueJob } = await import("../../../core/jobs/queue.ts");
  const period = Date.now();
  await enqueueJob("recognition.every.badge-rules", { period }, { key: `recognition-test:${period}` });
  await queueDrained();
}

test.before(async () => {
  app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
  admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "recognition"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  for (const [nameEn, nameFr] of [["Appreciated", "Apprécié"], ["Writer", "Plume"], ["Veteran", "Vétéran"]]) await admin.post("/admin/recognition/badges", { nameEn, nameFr, icon: "star", points: "1", descriptionEn: `${nameEn} badge` });
  [badges.appreciated, badges.writer, badges.veteran] = (await sql<{ id: number }>("SELECT id FROM recognition_badges ORDER BY id")).map((row) => row.id);
  giver = await person("Gina Giver");
  ana = await person("Ana Able");
  bruno = await person("Bruno Bold");
  kudosOfAna.push(await thank(ana), await thank(ana));
  await thank(bruno);
  await publish(ana.client, { target: "company:0", body: "My first post" });
});
test.after.always(async () => {
  setClock(null);
  await app?.close();
});

test.serial("only admins manage rules; bad rules are refused", async (t) => {
  t.is((await ana.client.get("/admin/recognition/rules")).status, 403);
  t.is((await ana.client.post("/admin/recognition/rules", { badge: String(badges.appreciated), metric: "kudosReceived", threshold: "1" })).status, 403);
  t.is((await admin.post("/admin/recognition/rules", { badge: String(badges.appreciated), metric: "likes", threshold: "1" })).status, 422);
  t.is((await admin.post("/admin/recognition/rules", { badge: String(badges.appreciated), metric: "posts", threshold: "0" })).status, 422);
  t.is((await admin.post("/admin/recognition/rules", { badge: "99999", metric: "posts", threshold: "1" })).status, 422);
  t.deepEqual(await sql("SELECT id FROM recognition_badge_rules"), [], "nothing written");
});

test.serial("a new rule is applied to past activity in the background", async (t) => {
  t.is((await admin.post("/admin/recognition/rules", { badge: String(badges.appreciated), metric: "kudosReceived", threshold: "2", revokes: "1" })).status, 302);
  t.is((await admin.post("/admin/recognition/rules", { badge: String(badges.writer), metric: "posts", threshold: "1" })).status, 302, "this one never revokes");
  await jobsDone("recognition.apply-rule");
  t.deepEqual(await holders(badges.appreciated), [ana.userId], "Ana had two kudos before the rule existed; Bruno one");
  t.deepEqual(await holders(badges.writer), [ana.userId]);
  const shown = await earnedOn(ana);
  t.regex(shown, /<strong>Appreciated<\/strong> — Appreciated badge/);
  t.regex(shown, /<strong>Writer<\/strong>/);
  t.is(await earnedOn(bruno), "", "Bruno has none yet");
  const told = await waitUntil(async () => {
    const found = (await notificationsOf(ana.userId)).filter((note) => note.type === "recognition.badge-earned");
    return found.length === 2 ? found : null;
  }, "Ana's two badge notifications");
  t.is(told.length, 2);
  t.true((await ana.client.get("/notifications")).text.includes("You earned the badge Appreciated"));
  t.deepEqual((await notificationsOf(bruno.userId)).filter((note) => note.type === "recognition.badge-earned"), []);
  t.regex((await admin.get("/admin/recognition/rules")).text, /2 kudos received · taken back when no longer met<\/td><td>1<\/td>/);
});

test.serial("the hourly work grants newcomers and takes back what no longer holds, if the rule says so", async (t) => {
  await thank(bruno);
  // Ana's post and one of her kudos are deleted: the revoking rule takes "Appreciated" back, "Writer" stays.
  t.is((await giver.client.post(`/c/${kudosOfAna[0]}/delete`, {})).status, 302);
  const { Content } = await import("../../../core/models/content.ts");
  await Content.update({ deletedAt: new Date() }, { where: { type: "post", authorId: ana.userId } });
  await runHourly();
  t.deepEqual(await holders(badges.appreciated), [bruno.userId]);
  t.deepEqual(await holders(badges.writer), [ana.userId], "a rule that does not revoke keeps its badge");
  t.false((await earnedOn(ana)).includes("Appreciated"));
  t.regex(await earnedOn(bruno), /Appreciated/);
  // Earned again: given back.
  await thank(ana);
  await runHourly();
  t.deepEqual(await holders(badges.appreciated), [ana.userId, bruno.userId].sort((a, b) => a - b));
});

test.serial("a year of posting, with a fixed clock; removing a revoking rule takes its badges back", async (t) => {
  await publish(bruno.client, { target: "company:0", body: "Hello" });
  t.is((await admin.post("/admin/recognition/rules", { badge: String(badges.veteran), metric: "daysPosting", threshold: "365", revokes: "1" })).status, 302);
  await jobsDone("recognition.apply-rule");
  t.deepEqual(await holders(badges.veteran), [], "nobody has posted for a year yet");
  setClock(new Date(Date.now() + 366 * 24 * 3600_000));
  await runHourly();
  t.deepEqual(await holders(badges.veteran), [bruno.userId], "Ana's only post is deleted");

  const [rule] = await sql<{ id: number }>("SELECT id FROM recognition_badge_rules WHERE badge_id = :badgeId", { badgeId: badges.appreciated });
  t.is((await admin.post(`/admin/recognition/rules/${rule.id}/remove`)).status, 302);
  await jobsDone("recognition.apply-rule");
  t.deepEqual(await holders(badges.appreciated), []);
  t.is((await admin.post(`/admin/recognition/rules/${rule.id}/remove`)).status, 404, "already removed");
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM recognition_badge_grants WHERE badge_id = :badgeId", { badgeId: badges.appreciated }))[0].n), 2, "the history stays, revoked");
});
