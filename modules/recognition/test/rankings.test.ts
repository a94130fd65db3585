import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { publish, usernameOf } from "../../../test/helpers/content.ts";
import { addMember, createGroup, type CreatedGroup } from "../../groups/test/helpers.ts";
import { setClock } from "../clock.ts";

// Rankings of people, groups and badges for a period: from what the reader may read, without people who
// opted out (pages and exports), without groups under five members, and not at all when the site says so.
type Person = { client: Client; userId: number; username: string };

let app: TestApp;
let admin: Client;
let giver: Person, star: Person, shy: Person, second: Person, juror: Person, outsider: Person, guest: Person;
const crowd: Person[] = [];
let big: CreatedGroup, small: CreatedGroup, secret: CreatedGroup;
const badges = { gold: 0, bronze: 0 };

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
const section = (html: string, name: string) => new RegExp(`<section class="card recognition-rank-${name}">([\\s\\S]*?)</section>`).exec(html)?.[1] ?? "";
const names = (html: string) => [...html.matchAll(/<li><a href="[^"]+">([^<]+)<\/a>/g)].map((match) => match[1]);

async function person(role: "member" | "guest", displayName: string): Promise<Person> {
  const signed = await app.signedIn(role, { displayName });
  return { ...signed, username: await usernameOf(signed.userId) };
}

async function give(fields: Record<string, string>) {
  const answer = await giver.client.post("/compose/kudos", { target: "company:0", returnTo: "/", badge: String(badges.gold), ...fields });
  if (answer.status !== 303) throw new Error(`kudos refused: ${answer.status} ${answer.text.slice(0, 300)}`);
}

test.before(async () => {
  app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
  admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "recognition"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  await admin.post("/admin/modules/recognition/settings", { dailyLimit: "100", pairMonthlyCap: "100", showRankings: "1" });
  await admin.post("/admin/recognition/badges", { nameEn: "Gold", nameFr: "Or", icon: "trophy", points: "10" });
  await admin.post("/admin/recognition/badges", { nameEn: "Bronze", nameFr: "Bronze", icon: "star", points: "3" });
  [badges.gold, badges.bronze] = (await sql<{ id: number }>("SELECT id FROM recognition_badges ORDER BY id")).map((row) => row.id);
  giver = await person("member", "Gina Giver");
  star = await person("member", "Stella Star");
  shy = await person("member", "Shirin Shy");
  second = await person("member", "Sam Second");
  juror = await person("member", "Jules Juror");
  outsider = await person("member", "Otto Outsider");
  guest = await person("guest", "Gus Guest");
  for (let index = 0; index < 4; index += 1) crowd.push(await person("member", `Crowd ${index}`));
  big = await createGroup(giver.client, { name: "Big team", visibility: "open" });
  small = await createGroup(giver.client, { name: "Tiny team", visibility: "open" });
  secret = await createGroup(giver.client, { name: "Hidden team", visibility: "secret" });
  for (const member of crowd) await addMember(big.id, member.userId);
  for (const member of crowd.slice(0, 2)) await addMember(small.id, member.userId);
  for (const member of [...crowd.slice(0, 3), guest]) await addMember(secret.id, member.userId);
  for (const group of [big, small, secret]) await giver.client.post(`${group.url}/modules/recognition`, { state: "enabled" });

  setClock(new Date("2026-04-10T12:00:00Z"));
  await give({ recipients: star.username, body: "One" });
  await give({ recipients: star.username, body: "Two" });
  await give({ recipients: shy.username, body: "Quietly great" });
  await give({ recipients: second.username, body: "Bronze work", badge: String(badges.bronze) });
  await give({ recipients: "", wholeGroup: "1", body: "Big thanks", target: `group:${big.id}`, returnTo: big.url });
  await give({ recipients: "", wholeGroup: "1", body: "Small thanks", target: `group:${small.id}`, returnTo: small.url });
  await give({ recipients: crowd[0].username, wholeGroup: "1", body: "Hidden thanks", target: `group:${secret.id}`, returnTo: secret.url, badge: String(badges.bronze) });
  // The jury gives Sam's post 30 points: 33 in all, ahead of Stella's 20.
  await admin.post("/admin/recognition/jury", { username: juror.username, budget: "100", period: "month" });
  const post = await publish(second.client, { target: "company:0", body: "A write-up of the outage" });
  if ((await juror.client.post("/recognition/awards", { content: String(post), points: "30", reason: "Thorough" })).status !== 302) throw new Error("award refused");
  setClock(new Date("2026-04-20T12:00:00Z"));
});
test.after.always(async () => {
  setClock(null);
  await app?.close();
});

test.serial("people, groups and badges of a month, from what the reader may read", async (t) => {
  const page = (await outsider.client.get("/recognition/rankings")).text;
  t.true(page.includes("Period: 2026-04"), "the current month by default");
  t.true(page.includes('href="/recognition/rankings?year=2026"'), "a link to the whole year");
  t.deepEqual(names(section(page, "people")), ["Sam Second", "Stella Star", "Shirin Shy"], "points from badges and the jury");
  t.true(section(page, "people").includes("33 points, 1 kudos"));
  t.deepEqual(names(section(page, "groups")), ["Big team"], "the tiny team (3 members) is never ranked; the hidden one is unreadable");
  t.deepEqual(names(section((await crowd[0].client.get("/recognition/rankings")).text, "groups")), ["Big team", "Hidden team"], "its members see the hidden team");
  t.deepEqual(names(section((await crowd[0].client.get("/recognition/rankings")).text, "people")), ["Sam Second", "Stella Star", "Shirin Shy", "Crowd 0"]);
  t.regex(section(page, "badges"), /Gold — given 5 times[\s\S]*Bronze — given 1 time/);
  t.is((await giver.client.post(`${secret.url}/modules/recognition`, { state: "disabled" })).status, 302);
  t.deepEqual(names(section((await crowd[0].client.get("/recognition/rankings")).text, "groups")), ["Big team"], "a group that switched the module off is not ranked");
  t.deepEqual(names(section((await crowd[0].client.get("/recognition/rankings")).text, "people")), ["Sam Second", "Stella Star", "Shirin Shy"], "nor are its kudos counted");
  t.is((await giver.client.post(`${secret.url}/modules/recognition`, { state: "enabled" })).status, 302);
  t.deepEqual(names(section((await guest.client.get("/recognition/rankings")).text, "people")), ["Crowd 0"], "a guest: only their group's kudos");
  // The jury's monthly and yearly ranking of rewarded posts.
  t.regex(section(page, "awarded"), /<li><a href="\/c\/\d+">Post by Sam Second<\/a> — 30 points<\/li>/);
  t.regex(section((await outsider.client.get("/recognition/rankings?year=2026")).text, "awarded"), /Post by Sam Second<\/a> — 30 points/);
  t.false(section((await outsider.client.get("/recognition/rankings?month=2026-03")).text, "awarded").includes("Sam Second"));
  t.false(section((await guest.client.get("/recognition/rankings")).text, "awarded").includes("Sam Second"), "a guest cannot read the company stream");
  t.is((await app.client().get("/recognition/rankings")).status, 302);
  t.deepEqual(names(section((await outsider.client.get("/recognition/rankings?month=2026-05")).text, "people")), []);
  t.deepEqual(names(section((await outsider.client.get("/recognition/rankings?year=2026")).text, "people")), ["Sam Second", "Stella Star", "Shirin Shy"]);
  for (const bad of ["month=2026-13", "month=april", "year=26", "month=2026-04&year=2026"]) t.is((await outsider.client.get(`/recognition/rankings?${bad}`)).status, 400, bad);
});

test.serial("a person who opts out disappears from every ranking and export", async (t) => {
  t.is((await outsider.client.get("/admin/recognition/rankings.csv?month=2026-04")).status, 403, "members cannot export");
  const before = await admin.get("/admin/recognition/rankings.csv?month=2026-04");
  t.true(before.text.includes(shy.username), "listed before opting out");
  t.is((await shy.client.post(`/u/${shy.username}/recognition/preferences`, { hideFromRankings: "1" })).status, 302);
  t.deepEqual(names(section((await outsider.client.get("/recognition/rankings")).text, "people")), ["Sam Second", "Stella Star"]);
  t.deepEqual(names(section((await outsider.client.get("/recognition/rankings?year=2026")).text, "people")), ["Sam Second", "Stella Star"]);
  const csv = await admin.get("/admin/recognition/rankings.csv?month=2026-04");
  t.regex(csv.headers.get("content-type") ?? "", /^text\/csv/);
  t.false(csv.text.includes(shy.username));
  t.false(csv.text.includes("Shirin"));
  t.deepEqual(csv.text.trim().split("\r\n").slice(0, 3), ["rank,username,name,kudos,points", `1,${second.username},Sam Second,1,33`, `2,${star.username},Stella Star,2,20`]);
  t.true((await shy.client.get(`/u/${shy.username}/recognition`)).text.includes(`id="f-hide-rankings" name="hideFromRankings" value="1" checked`));
});

test.serial("the site's switch hides rankings entirely", async (t) => {
  t.true((await outsider.client.get("/recognition")).text.includes('href="/recognition/rankings"'));
  t.is((await admin.post("/admin/modules/recognition/settings", { dailyLimit: "100", pairMonthlyCap: "100" })).status, 302);
  t.is((await outsider.client.get("/recognition/rankings")).status, 404);
  t.is((await admin.get("/recognition/rankings")).status, 404, "for admins too");
  t.is((await admin.get("/admin/recognition/rankings.csv")).status, 404, "and the export");
  t.false((await outsider.client.get("/recognition")).text.includes('href="/recognition/rankings"'), "no link to them");
});
