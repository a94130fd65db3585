import { createHash } from "node:crypto";
import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { usernameOf } from "../../../test/helpers/content.ts";
import { openEvents, pause, waitUntil } from "../../../test/notifications/helpers.ts";
import { addMember, createGroup, type CreatedGroup } from "../../groups/test/helpers.ts";
import { setClock } from "../clock.ts";

// The appreciation wall (what each reader may read, filters, pages) and the office display behind a revocable link.
type Person = { client: Client; userId: number; username: string };

let app: TestApp;
let admin: Client;
let giver: Person, ana: Person, insider: Person, outsider: Person, guest: Person;
let secret: CreatedGroup;
const badges = { care: 0, craft: 0 };

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
const contentIds = (html: string) => [...html.matchAll(/id="content-(\d+)"/g)].map((match) => Number(match[1]));

async function person(role: "member" | "guest", displayName: string): Promise<Person> {
  const signed = await app.signedIn(role, { displayName });
  return { ...signed, username: await usernameOf(signed.userId) };
}

async function give(fields: Record<string, string>): Promise<number> {
  const answer = await giver.client.post("/compose/kudos", { target: "company:0", returnTo: "/", badge: String(badges.care), ...fields });
  if (answer.status !== 303) throw new Error(`kudos refused: ${answer.status} ${answer.text.slice(0, 300)}`);
  return Number((await sql<{ content_id: number }>("SELECT content_id FROM recognition_kudos ORDER BY id DESC LIMIT 1"))[0].content_id);
}

const kudos = { march: 0, april: 0, secret: 0, craft: 0 };

test.before(async () => {
  app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
  admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "recognition"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  await admin.post("/admin/modules/recognition/settings", { dailyLimit: "100", pairMonthlyCap: "100", showRankings: "1" });
  await admin.post("/admin/recognition/badges", { nameEn: "Care", nameFr: "Soin", companyValue: "Kindness", icon: "heart", points: "5" });
  await admin.post("/admin/recognition/badges", { nameEn: "Craft", nameFr: "Savoir-faire", companyValue: "Quality", icon: "trophy", points: "8" });
  [badges.care, badges.craft] = (await sql<{ id: number }>("SELECT id FROM recognition_badges ORDER BY id")).map((row) => row.id);
  giver = await person("member", "Gina Giver");
  ana = await person("member", "Ana Able");
  insider = await person("member", "Iris Insider");
  outsider = await person("member", "Otto Outsider");
  guest = await person("guest", "Gus Guest");
  secret = await createGroup(giver.client, { name: "Skunkworks", visibility: "secret" });
  await addMember(secret.id, insider.userId);
  await addMember(secret.id, guest.userId);
  await giver.client.post(`${secret.url}/modules/recognition`, { state: "enabled" });

  setClock(new Date("2026-03-15T10:00:00Z"));
  kudos.march = await give({ recipients: ana.username, body: "March thanks for the audit" });
  setClock(new Date("2026-04-15T10:00:00Z"));
  kudos.april = await give({ recipients: ana.username, body: "April thanks", badge: String(badges.craft) });
  kudos.secret = await give({ recipients: insider.username, body: "The secret prototype works", target: `group:${secret.id}`, returnTo: secret.url });
});
test.after.always(async () => {
  setClock(null);
  await app?.close();
});

test.serial("the wall shows each reader what they may read, and the filters narrow it", async (t) => {
  const forOutsider = contentIds((await outsider.client.get("/recognition")).text);
  t.deepEqual(forOutsider, [kudos.april, kudos.march], "newest first; nothing of the secret group");
  t.deepEqual(contentIds((await insider.client.get("/recognition")).text), [kudos.secret, kudos.april, kudos.march]);
  t.deepEqual(contentIds((await guest.client.get("/recognition")).text), [kudos.secret], "a guest reads only their group");
  t.is((await app.client().get("/recognition")).status, 302, "signed out: to the login page");
  t.false((await outsider.client.get("/recognition")).text.includes("Skunkworks"), "not even the secret group's name in the filter");

  t.deepEqual(contentIds((await insider.client.get(`/recognition?group=${secret.id}`)).text), [kudos.secret]);
  t.deepEqual(contentIds((await outsider.client.get(`/recognition?group=${secret.id}`)).text), [], "a filter on an unreadable group shows nothing");
  t.deepEqual(contentIds((await insider.client.get(`/recognition?badge=${badges.craft}`)).text), [kudos.april]);
  t.deepEqual(contentIds((await insider.client.get("/recognition?value=Kindness")).text), [kudos.secret, kudos.march]);
  t.deepEqual(contentIds((await insider.client.get(`/recognition?person=${ana.username}`)).text), [kudos.april, kudos.march], "kudos received");
  t.deepEqual(contentIds((await insider.client.get(`/recognition?person=@${giver.username}`)).text), [kudos.secret, kudos.april, kudos.march], "kudos given");
  t.deepEqual(contentIds((await insider.client.get("/recognition?person=nobody-at-all")).text), []);
  t.deepEqual(contentIds((await insider.client.get("/recognition?from=2026-03-01&to=2026-03-31")).text), [kudos.march], "a period, whole days");
  t.deepEqual(contentIds((await insider.client.get("/recognition?from=2026-04-15")).text), [kudos.secret, kudos.april]);
  for (const bad of ["from=yesterday", "badge=abc", "group=-1", "from=2026-13-45", "badge=1&badge=2"]) t.is((await insider.client.get(`/recognition?${bad}`)).status, 400, bad);

  // A group that switches the module off: its kudos leave the wall (as they leave its stream), and come back with it.
  t.is((await giver.client.post(`${secret.url}/modules/recognition`, { state: "disabled" })).status, 302);
  t.deepEqual(contentIds((await insider.client.get("/recognition")).text), [kudos.april, kudos.march]);
  t.false((await insider.client.get("/recognition")).text.includes("Skunkworks"), "nor in the group filter");
  t.is((await giver.client.post(`${secret.url}/modules/recognition`, { state: "enabled" })).status, 302);
  t.deepEqual(contentIds((await insider.client.get("/recognition")).text), [kudos.secret, kudos.april, kudos.march]);

  // A deleted kudos leaves the wall.
  const { Content } = await import("../../../core/models/content.ts");
  await Content.update({ deletedAt: new Date() }, { where: { id: kudos.march } });
  t.deepEqual(contentIds((await outsider.client.get("/recognition")).text), [kudos.april]);
  await Content.update({ deletedAt: null }, { where: { id: kudos.march } });
});

test.serial("kudos are found by search, by those who may read them", async (t) => {
  t.true((await outsider.client.get("/search?q=audit")).text.includes("March thanks for the <mark>audit</mark>"));
  t.true((await outsider.client.get("/search?q=audit&type=kudos")).text.includes(`href="/c/${kudos.march}"`), "its own tab");
  t.false((await outsider.client.get("/search?q=prototype")).text.includes("<mark>prototype</mark>"), "not a secret group's kudos");
  t.true((await insider.client.get("/search?q=prototype")).text.includes("The secret <mark>prototype</mark> works"));
});

test.serial("the wall pages by keyset, and open walls hear of new kudos", async (t) => {
  const watching = await openEvents(outsider.client, "/live/events?watch=company:0");
  try {
    await watching.waitFor("unread");
    const made: number[] = [];
    for (let index = 0; index < 23; index += 1) made.push(await give({ recipients: ana.username, body: `Kudos number ${index}` }));
    const heard = (await watching.waitFor("module", (data) => (data as { name: string }).name === "kudos")) as { module: string; name: string };
    t.like(heard, { module: "recognition", name: "kudos" });
  } finally {
    watching.close();
  }
  const first = await outsider.client.get("/recognition");
  const firstIds = contentIds(first.text);
  t.is(firstIds.length, 20);
  const next = /href="(\/recognition\?before=\d+)"/.exec(first.text.replaceAll("&amp;", "&"))?.[1];
  if (!next) return t.fail("no next page link");
  const second = await outsider.client.get(`${next}&partial=1`);
  const secondIds = contentIds(second.text);
  t.deepEqual(secondIds.slice(-2), [kudos.april, kudos.march]);
  t.is(firstIds.length + secondIds.length, 25, "every kudos once, none twice");
  t.is(new Set([...firstIds, ...secondIds]).size, 25);
  const filtered = await outsider.client.get(`/recognition?badge=${badges.care}`);
  t.regex(filtered.text.replaceAll("&amp;", "&"), /href="\/recognition\?badge=\d+&before=\d+"/, "the next page keeps the filters");
});

test.serial("display link: admins only, token hashed at rest, shows only the company stream, stops when revoked", async (t) => {
  for (const client of [outsider.client, guest.client]) {
    t.is((await client.get("/admin/recognition/display-links")).status, 403);
    t.is((await client.post("/admin/recognition/display-links", { name: "Hall" })).status, 403);
  }
  t.is((await admin.post("/admin/recognition/display-links", { name: "" })).status, 422);
  const created = await admin.post("/admin/recognition/display-links", { name: "Lobby screen" });
  t.is(created.status, 200);
  const path = /<code class="recognition-new-link">([^<]+)<\/code>/.exec(created.text)?.[1];
  if (!path) return t.fail("no link shown");
  const token = path.split("/").pop()!;
  const [row] = await sql<{ id: number; token_hash: string }>("SELECT id, token_hash FROM recognition_display_links");
  t.is(row.token_hash, createHash("sha256").update(token).digest("hex"), "only the hash is stored");
  t.false(JSON.stringify(await sql("SELECT * FROM recognition_display_links")).includes(token));
  t.false((await admin.get("/admin/recognition/display-links")).text.includes(token), "the token is shown once");

  const screen = app.client();
  const page = await screen.get(path);
  t.is(page.status, 200);
  t.is(page.headers.get("referrer-policy"), "no-referrer");
  t.true(page.text.includes("Kudos number 22"), "the latest kudos");
  t.true(page.text.includes("Gina Giver thanks Ana Able"));
  t.false(page.text.includes("secret prototype"), "nothing of a secret group");
  t.false(page.text.includes("Skunkworks"));
  t.false(page.text.includes("user-menu"), "no sign-in chrome");
  t.false(page.text.includes('name="csrf-token"'));
  t.true((await screen.get(`${path}?partial=1`)).text.includes("Kudos number 22"), "the list the screen refreshes");
  t.is((await screen.get("/recognition/display/not-a-token")).status, 404);
  t.is((await screen.get(`/recognition/display/${"A".repeat(43)}`)).status, 404);
  t.is((await screen.get("/recognition")).status, 302, "the link opens the display, nothing else");

  // The live feed, opened with the link: recognition's events of the company stream only.
  t.true(page.text.includes(`data-recognition-feed="${path}/events"`), "the page names its feed");
  t.regex(page.text, /<noscript><meta http-equiv="refresh" content="120"><\/noscript>/, "without JavaScript the page reloads itself");
  const feed = await openEvents(screen, `${path}/events`);
  const otherFeed = await openEvents(app.client(), `${path}/events`);
  try {
    t.is(feed.status, 200);
    await pause(100);
    const live = await give({ recipients: ana.username, body: "Live on the lobby screen" });
    t.deepEqual(await feed.waitFor("module"), { module: "recognition", name: "kudos", container: "company:0", data: { contentId: live } });
    t.true((await screen.get(`${path}?partial=1`)).text.includes("Live on the lobby screen"), "what the screen fetches when told");
    const hidden = await give({ recipients: insider.username, body: "Secret and live", target: `group:${secret.id}`, returnTo: secret.url });
    await pause(300);
    t.deepEqual(feed.events.map((event) => (event.data.data as { contentId: number }).contentId), [live], `nothing of the secret group's kudos (${hidden})`);
    t.false(JSON.stringify(feed.events).includes(`group:${secret.id}`));

    t.is((await admin.post(`/admin/recognition/display-links/${row.id}/revoke`)).status, 302);
    await waitUntil(() => feed.isEnded() && otherFeed.isEnded(), "the revoked link's feeds to end at once", 2000);
    const afterRevoke = await give({ recipients: ana.username, body: "After the revoke" });
    await pause(200);
    t.false(feed.events.some((event) => (event.data.data as { contentId: number }).contentId === afterRevoke), "a revoked link hears nothing more");
    t.is((await openEvents(screen, `${path}/events`)).status, 404, "and cannot open its feed again");
    t.is((await openEvents(screen, "/recognition/display/not-a-token/events")).status, 404);
  } finally {
    feed.close();
    otherFeed.close();
  }
  t.is((await screen.get(path)).status, 404, "revoked: nothing any more");
  t.is((await screen.get(`${path}?partial=1`)).status, 404);
  t.is((await admin.post("/admin/recognition/display-links/99999/revoke")).status, 404);
});
