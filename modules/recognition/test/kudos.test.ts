import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { usernameOf } from "../../../test/helpers/content.ts";
import { entryHtml } from "../../../test/comments/helpers.ts";
import { pngImage, postMultipart, refusedPage } from "../../../test/attachments/helpers.ts";
import { notificationsOf, waitUntil } from "../../../test/notifications/helpers.ts";
import { addMember, createGroup, type CreatedGroup } from "../../groups/test/helpers.ts";
import { setClock } from "../clock.ts";

// Badges (the admins' catalogue) and kudos (from the composer and from a profile) over HTTP, with every rule.
type Person = { client: Client; userId: number; username: string };

let app: TestApp;
let admin: Client;
let giver: Person, ana: Person, bruno: Person, manager: Person, outsider: Person, guest: Person;
let team: CreatedGroup;
const badges = { thanks: 0, retired: 0 };

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
const kudosCount = async () => Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM recognition_kudos"))[0].n);

async function person(role: "member" | "guest", displayName: string): Promise<Person> {
  const signed = await app.signedIn(role, { displayName });
  return { ...signed, username: await usernameOf(signed.userId) };
}

/** Sends a kudos from the composer; the answer as the browser gets it. */
const compose = (client: Client, fields: Record<string, string>) => client.post("/compose/kudos", { target: "company:0", returnTo: "/", badge: String(badges.thanks), ...fields });

test.before(async () => {
  app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
  admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "recognition"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  giver = await person("member", "Gina Giver");
  ana = await person("member", "Ana Able");
  bruno = await person("member", "Bruno Bold");
  manager = await person("member", "Maya Manager");
  outsider = await person("member", "Otto Outsider");
  guest = await person("guest", "Gus Guest");
  team = await createGroup(giver.client, { name: "Kudos team", visibility: "secret" });
  await addMember(team.id, ana.userId);
  if ((await giver.client.post(`${team.url}/modules/recognition`, { state: "enabled" })).status !== 302) throw new Error("could not enable recognition in the group");
  setClock(new Date("2026-03-10T09:00:00Z"));
});
test.after.always(async () => {
  setClock(null);
  await app?.close();
});

test.serial("badges: admins create, edit, upload an icon and retire; every other role is refused", async (t) => {
  for (const client of [giver.client, guest.client]) {
    t.is((await client.get("/admin/recognition")).status, 403);
    t.is((await client.post("/admin/recognition/badges", { nameEn: "X", nameFr: "X", icon: "star", points: "1" })).status, 403);
  }
  t.is((await app.client().get("/admin/recognition")).status, 302, "signed out: to the login page");
  t.is((await admin.post("/admin/recognition/badges", { nameEn: "", nameFr: "Merci", icon: "comet", points: "-1" })).status, 422);
  t.is((await admin.post("/admin/recognition/badges", { nameEn: "Thanks", nameFr: "Merci", icon: "upload", points: "5" })).status, 422, "an upload chosen without a file");
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM recognition_badges"))[0].n), 0, "refusals write nothing");

  const created = await admin.post("/admin/recognition/badges", { nameEn: "Thank you", nameFr: "Merci", descriptionEn: "For help", descriptionFr: "Pour l'aide", companyValue: "Care", icon: "heart", points: "10" });
  t.is(created.status, 302);
  const uploaded = await postMultipart(admin, "/admin/recognition/badges", { nameEn: "Old timer", nameFr: "Ancien", companyValue: "Loyalty", icon: "upload", points: "3" }, [{ name: "medal.png", data: await pngImage(32, 32) }]);
  t.is(uploaded.status, 302);
  const rows = await sql<{ id: number; name_en: string; name_fr: string; company_value: string; icon: string; icon_file_id: number | null; points: number }>("SELECT * FROM recognition_badges ORDER BY id");
  t.like(rows[0], { name_en: "Thank you", name_fr: "Merci", company_value: "Care", icon: "heart", icon_file_id: null, points: 10 });
  t.truthy(rows[1].icon_file_id, "the uploaded icon is stored with host.files");
  [badges.thanks, badges.retired] = [rows[0].id, rows[1].id];

  const page = await admin.get("/admin/recognition");
  t.regex(page.text, /<svg class="recognition-icon"[^>]*aria-hidden="true"/, "built-in icons are inline, decorative SVG");
  t.true(page.text.includes(`<img class="recognition-icon" src="/recognition/icons/${rows[1].icon_file_id}"`));
  t.is((await giver.client.get(`/recognition/icons/${rows[1].icon_file_id}`)).status, 200, "members see uploaded icons");
  t.is((await app.client().get(`/recognition/icons/${rows[1].icon_file_id}`)).status, 302, "signed out: no");
  t.is((await giver.client.get("/recognition/icons/999999")).status, 404);
  t.true((await admin.get("/admin/recognition", { "accept-language": "fr" })).text.includes("Merci") );

  t.is((await admin.post(`/admin/recognition/badges/${badges.thanks}`, { nameEn: "Thanks a lot", nameFr: "Merci beaucoup", icon: "star", points: "12" })).status, 302);
  t.like((await sql("SELECT name_en, icon, points FROM recognition_badges WHERE id = :id", { id: badges.thanks }))[0], { name_en: "Thanks a lot", icon: "star", points: 12 });
  t.is((await admin.post("/admin/recognition/badges/999999", { nameEn: "a", nameFr: "b", icon: "star", points: "1" })).status, 404);
});

test.serial("kudos from the composer: shown in the stream and on the recipients' profiles; recipients are told", async (t) => {
  const dashboard = await giver.client.get("/?kind=kudos");
  t.regex(dashboard.text, /<select id="f-kudos-badge" name="badge">[\s\S]*?Thanks a lot[\s\S]*?<\/select>/, "the composer offers the active badges");
  const sent = await compose(giver.client, { recipients: `@${ana.username}, ${bruno.username}`, body: "You saved the **launch**." });
  t.is(sent.status, 303);
  const [kudos] = await sql<{ id: number; content_id: number; giver_id: number; container_type: string }>("SELECT * FROM recognition_kudos");
  t.like(kudos, { giver_id: giver.userId, container_type: "company" });
  t.deepEqual((await sql<{ recipient_id: number }>("SELECT recipient_id FROM recognition_kudos_recipients ORDER BY recipient_id")).map((row) => row.recipient_id), [ana.userId, bruno.userId]);

  const entry = entryHtml((await outsider.client.get("/")).text, kudos.content_id);
  t.regex(entry, /<strong>Thanks a lot<\/strong>/);
  t.regex(entry, /Thanks to[\s\S]*Ana Able<\/a>, <a href="\/u\/[^"]+">Bruno Bold<\/a>/);
  t.true(entry.includes("<strong>launch</strong>"), "the message is Markdown");
  t.true((await outsider.client.get(`/u/${ana.username}/recognition`)).text.includes(`id="content-${kudos.content_id}"`), "on the recipient's profile tab");
  t.false((await outsider.client.get(`/u/${manager.username}/recognition`)).text.includes(`id="content-${kudos.content_id}"`));
  t.regex((await outsider.client.get("/", { "accept-language": "fr" })).text, /<strong>Merci beaucoup<\/strong>/, "the badge in French for French readers");

  const told = await waitUntil(async () => (await notificationsOf(ana.userId)).find((note) => note.type === "recognition.kudos"), "ana's notification");
  t.is(told.contentId, kudos.content_id);
  t.true((await ana.client.get("/notifications")).text.includes("Gina Giver gave you kudos"));
});

test.serial("the rules: not oneself, a badge that is active, recipients who can read the place, a daily limit, a monthly cap per pair", async (t) => {
  const before = await kudosCount();
  const self = await compose(giver.client, { recipients: giver.username, body: "Me!" });
  t.is(self.status, 422);
  t.true(self.text.includes("You cannot give kudos to yourself."));
  t.true((await compose(giver.client, { recipients: "", body: "Nobody" })).text.includes("Name at least one person to thank"));
  t.true((await compose(giver.client, { recipients: "no-such-person", body: "Who?" })).text.includes("not a member of this site"));
  t.true((await compose(giver.client, { recipients: ana.username, body: "Guests", target: `group:${team.id}`, returnTo: team.url, wholeGroup: "1", badge: "999999" })).text.includes("Choose one of the active badges"));
  const guestRefused = await compose(giver.client, { recipients: guest.username, body: "Hi guest" });
  t.is(guestRefused.status, 422);
  t.true(guestRefused.text.includes("cannot read the place you chose"), "a guest cannot read the company stream");
  t.true((await compose(giver.client, { recipients: outsider.username, body: "Secret", target: `group:${team.id}`, returnTo: team.url })).text.includes("cannot read the place you chose"));
  t.true((await compose(giver.client, { recipients: "", wholeGroup: "1", body: "Everyone" })).text.includes("Only a kudos posted in a group"));
  t.is((await compose(outsider.client, { recipients: ana.username, body: "In", target: `group:${team.id}`, returnTo: team.url })).status, 422, "the giver must read the group too");
  t.is((await compose(guest.client, { recipients: ana.username, body: "From a guest" })).status, 422, "guests cannot read the company stream: core's unknown-place answer");

  // A retired badge is not offered, cannot be given, and the kudos given with it keep showing it.
  t.is((await admin.post(`/admin/recognition/badges/${badges.retired}/retire`)).status, 302);
  t.false((await giver.client.get("/?kind=kudos")).text.includes("Old timer"));
  t.true((await compose(giver.client, { recipients: ana.username, body: "Old", badge: String(badges.retired) })).text.includes("Choose one of the active badges"));
  t.is(await kudosCount(), before, "no refusal wrote anything");

  // Whole group, in the group: its members read it; recipients named must read it too.
  t.is((await compose(giver.client, { recipients: "", wholeGroup: "1", body: "Thanks, team", target: `group:${team.id}`, returnTo: team.url })).status, 303);
  const [groupKudos] = await sql<{ content_id: number; thanks_group: boolean | number }>("SELECT content_id, thanks_group FROM recognition_kudos WHERE container_type = 'group'");
  t.truthy(groupKudos.thanks_group);
  t.regex(entryHtml((await ana.client.get(team.url)).text, groupKudos.content_id), /everyone in Kudos team/);

  // Monthly cap per pair (3 by default): ana had 1 (composer) + 0; two more are fine, the fourth is refused.
  t.is((await compose(giver.client, { recipients: ana.username, body: "Second" })).status, 303);
  t.is((await compose(giver.client, { recipients: ana.username, body: "Third" })).status, 303);
  const capped = await compose(giver.client, { recipients: ana.username, body: "Fourth" });
  t.is(capped.status, 422);
  t.true(capped.text.includes("as often as allowed this month"));
  // A new month: the pair may start again. 4 kudos given on 10 March so far; the daily limit (5) stops the 6th.
  setClock(new Date("2026-04-01T00:00:01Z"));
  for (let index = 0; index < 5; index += 1) t.is((await compose(giver.client, { recipients: index < 3 ? ana.username : bruno.username, body: `April ${index}` })).status, 303, `kudos ${index} of the day`);
  const beforeDaily = await kudosCount();
  const daily = await compose(giver.client, { recipients: manager.username, body: "Sixth today" });
  t.is(daily.status, 422);
  // Refused by the kind's submit (the limit is spent in the write): the composer again, as for a refused field.
  t.regex(daily.text, /<div class="flash flash-error refused-box" id="refused" role="alert" tabindex="-1">[\s\S]*?all your kudos for today/, "the reason at the top");
  t.regex(daily.text, /<textarea id="f-body"[^>]*>Sixth today<\/textarea>/, "the message typed is kept");
  t.regex(daily.text, new RegExp(`<input id="f-kudos-recipients" name="recipients" value="${manager.username}"`), "the people named are kept");
  t.regex(daily.text, /<fieldset class="composer-kind" data-kind="kudos">/, "the Kudos tab is open");
  // As a browser sends it (multipart, the form token in the address): a clean address shows the same form.
  const multipart = await postMultipart(giver.client, "/compose/kudos", { target: "company:0", returnTo: "/", badge: String(badges.thanks), recipients: manager.username, body: "Sixth, again" });
  t.is(multipart.status, 303);
  t.is(multipart.location, "/compose/kudos#refused");
  const shown = await refusedPage(giver.client, multipart);
  t.is(shown.status, 422);
  t.true(shown.text.includes("all your kudos for today"));
  t.regex(shown.text, /<textarea id="f-body"[^>]*>Sixth, again<\/textarea>/);
  t.is((await giver.client.get("/compose/kudos")).status, 200, "the refused form is shown once");
  t.is(await kudosCount(), beforeDaily, "nothing written");
  setClock(new Date("2026-04-02T08:00:00Z"));
  t.is((await compose(giver.client, { recipients: manager.username, body: "Next day" })).status, 303, "a new day, a new allowance");
  // The admins' settings change the limits.
  t.is((await admin.post("/admin/modules/recognition/settings", { dailyLimit: "1", pairMonthlyCap: "3", showRankings: "1" })).status, 302);
  t.true((await compose(giver.client, { recipients: bruno.username, body: "Over the new limit" })).text.includes("all your kudos for today"));
  t.is((await admin.post("/admin/modules/recognition/settings", { dailyLimit: "0", pairMonthlyCap: "3", showRankings: "1" })).status, 422);
  t.is((await admin.post("/admin/modules/recognition/settings", { dailyLimit: "50", pairMonthlyCap: "50", showRankings: "1" })).status, 302);
});

test.serial("kudos from a profile: the give form, its refusals, and a manager told when the recipient asked", async (t) => {
  t.false((await bruno.client.get(`/u/${bruno.username}/recognition`)).text.includes("recognition-give"), "no form to thank oneself");
  t.true((await bruno.client.get(`/u/${bruno.username}/recognition`)).text.includes("recognition-preferences"), "one's own choices");
  t.false((await giver.client.get(`/u/${bruno.username}/recognition`)).text.includes("recognition-preferences"));
  t.is((await giver.client.post(`/u/${bruno.username}/recognition/preferences`, { notifyManager: "1" })).status, 403, "nobody else sets them");
  t.is((await guest.client.get(`/u/${bruno.username}/recognition`)).status, 404, "a guest cannot read profiles");

  const { UserProfile } = await import("../../../core/models/profile.ts");
  await UserProfile.upsert({ userId: bruno.userId, managerId: manager.userId });
  t.is((await bruno.client.post(`/u/${bruno.username}/recognition/preferences`, { notifyManager: "1" })).status, 302);

  const page = await giver.client.get(`/u/${bruno.username}/recognition`);
  t.regex(page.text, /<form method="post" action="\/u\/[^"]+\/recognition\/give">/);
  const empty = await giver.client.post(`/u/${bruno.username}/recognition/give`, { badge: String(badges.thanks), body: "" });
  t.is(empty.status, 422);
  const sent = await giver.client.post(`/u/${bruno.username}/recognition/give`, { badge: String(badges.thanks), body: "For the demo" });
  t.is(sent.status, 302);
  const contentId = Number(/\/c\/(\d+)/.exec(sent.location)?.[1]);
  t.true((await ana.client.get(`/u/${bruno.username}/recognition`)).text.includes(`id="content-${contentId}"`));
  const told = await waitUntil(async () => (await notificationsOf(manager.userId)).find((note) => note.type === "recognition.team-kudos"), "the manager's notification");
  t.is(told.contentId, contentId);
  t.deepEqual((await notificationsOf(ana.userId)).filter((note) => note.type === "recognition.team-kudos"), [], "ana's manager was never asked for");

  const self = await bruno.client.post(`/u/${bruno.username}/recognition/give`, { badge: String(badges.thanks), body: "Me" });
  t.is(self.status, 422);
  const toGuest = await giver.client.post(`/u/${guest.username}/recognition/give`, { badge: String(badges.thanks), body: "Hello" });
  t.true([404, 422].includes(toGuest.status), "a guest's profile is not one to thank in the company stream");
  t.is((await app.client().post(`/u/${bruno.username}/recognition/give`, { badge: String(badges.thanks), body: "x" })).status, 404, "signed out: the profile is not readable");
});

test.serial("limits hold under kudos sent at once (spent in the database), and a group without the module refuses kudos", async (t) => {
  setClock(new Date("2026-05-05T10:00:00Z"));
  t.is((await admin.post("/admin/modules/recognition/settings", { dailyLimit: "3", pairMonthlyCap: "2", showRankings: "1" })).status, 302);
  const rush = await person("member", "Rita Rush");
  const others = [ana, bruno, outsider];
  const daily = await Promise.all(Array.from({ length: 8 }, (_, index) => compose(rush.client, { recipients: others[index % 3].username, body: `At once ${index}` })));
  t.is(daily.filter((answer) => answer.status === 303).length, 3, "three a day, however fast");
  t.true(daily.filter((answer) => answer.status !== 303).every((answer) => answer.status === 422 && answer.text.includes("all your kudos for today")));
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM recognition_kudos WHERE giver_id = :id", { id: rush.userId }))[0].n), 3);

  setClock(new Date("2026-05-06T10:00:00Z"));
  t.is((await compose(rush.client, { recipients: manager.username, body: "Pair first" })).status, 303);
  const pair = await Promise.all(Array.from({ length: 3 }, (_, index) => compose(rush.client, { recipients: manager.username, body: `Pair ${index}` })));
  t.is(pair.filter((answer) => answer.status === 303).length, 1, "the cap per pair (2): one more, however fast");
  t.true(pair.filter((answer) => answer.status !== 303).every((answer) => answer.text.includes("as often as allowed this month")));
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM recognition_kudos_recipients WHERE giver_id = :id AND recipient_id = :to", { id: rush.userId, to: manager.userId }))[0].n), 2);

  const plain = await createGroup(giver.client, { name: "No kudos here", visibility: "open" });
  const before = await kudosCount();
  t.is((await compose(giver.client, { recipients: "", wholeGroup: "1", body: "Off here", target: `group:${plain.id}`, returnTo: plain.url })).status, 403, "the module is off in that group");
  t.false((await giver.client.get(plain.url)).text.includes('data-kind="kudos"'), "no Kudos tab there");
  t.true((await giver.client.get(team.url)).text.includes('data-kind="kudos"'), "but in the group that switched it on");
  t.is(await kudosCount(), before);

  // A kudos in a secret group shows on the recipient's profile tab only to those who may read the group.
  t.is((await compose(giver.client, { recipients: ana.username, body: "Secret thanks", target: `group:${team.id}`, returnTo: team.url })).status, 303);
  const [secret] = await sql<{ content_id: number }>("SELECT content_id FROM recognition_kudos ORDER BY id DESC LIMIT 1");
  t.true((await ana.client.get(`/u/${ana.username}/recognition`)).text.includes(`id="content-${secret.content_id}"`));
  t.false((await outsider.client.get(`/u/${ana.username}/recognition`)).text.includes(`id="content-${secret.content_id}"`));
  t.false((await outsider.client.get(`/u/${ana.username}/recognition`)).text.includes("Secret thanks"));
  await admin.post("/admin/modules/recognition/settings", { dailyLimit: "50", pairMonthlyCap: "50", showRankings: "1" });
});
