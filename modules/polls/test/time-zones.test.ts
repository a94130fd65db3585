import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { entryHtml } from "../../../test/comments/helpers.ts";

// Dates in each person's time zone (their notification settings' zone, host.timeZoneOf; the server's by
// default): a datetime-local deadline is read in the writer's zone and shown in the reader's, the zone named.
let app: TestApp;
let paula: { client: Client; userId: number };
let uma: { client: Client; userId: number };
const serverZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

test.before(async () => {
  app = await startApp();
  const admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "polls"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  paula = await app.signedIn("member", { displayName: "Paula Paris" });
  uma = await app.signedIn("member", { displayName: "Uma Server-Zone" });
  // Paula lives in Paris: her notification settings say so (Uma never set hers: the server's zone).
  const saved = await paula.client.post("/account/notifications", { emailFrequency: "immediate", quietStart: "", quietEnd: "", timeZone: "Europe/Paris" });
  if (saved.status !== 302) throw new Error(`settings refused: ${saved.status}`);
});
test.after.always(() => app?.close());

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
const instant = (value: unknown) => new Date(value as string).toISOString();
const shown = (iso: string, zone: string, locale = "en-GB") =>
  `${new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: zone }).format(new Date(iso))} (${zone})`;

test.serial("a deadline typed as 10:00 by a writer in Paris closes at 09:00 UTC (winter), and each reader sees it in their zone", async (t) => {
  const composer = (await paula.client.get("/?kind=poll")).text;
  t.true(composer.includes('<input type="hidden" name="timeZone" value="Europe/Paris">'), "the composer carries the writer's zone");
  t.true(composer.includes("Time in your time zone, Europe/Paris"), "and names it");
  t.true((await uma.client.get("/?kind=poll")).text.includes(`<input type="hidden" name="timeZone" value="${serverZone}">`), "the server's zone by default");

  const posted = await paula.client.post("/compose/poll", { target: "company:0", returnTo: "/", body: "Lunch on Friday?", options: "Yes\nNo", closesAt: "2027-01-15T10:00", timeZone: "Europe/Paris" });
  t.is(posted.status, 303);
  const [poll] = await sql<{ id: number; closes_at: unknown }>("SELECT id, closes_at FROM polls WHERE title = 'Lunch on Friday?'");
  t.is(instant(poll.closes_at), "2027-01-15T09:00:00.000Z", "10:00 in Paris in January is 09:00 UTC");
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'poll' AND ref_id = :id", { id: poll.id });

  const forPaula = entryHtml((await paula.client.get("/")).text, content.id);
  t.true(forPaula.includes("Closes 15 Jan 2027, 10:00 (Europe/Paris)"), "Paula reads it in Paris time");
  const forUma = entryHtml((await uma.client.get("/")).text, content.id);
  t.true(forUma.includes(`Closes ${shown("2027-01-15T09:00:00.000Z", serverZone)}`), `Uma reads it in the server's zone: ${serverZone}`);
  t.false(forUma.includes("&lt;time"), "no markup shown as text");
  await app.app.sequelize.query("UPDATE users SET language = 'fr' WHERE id = :id", { replacements: { id: paula.userId } });
  t.true(entryHtml((await paula.client.get("/")).text, content.id).includes("15 janv. 2027, 10:00 (Europe/Paris)"), "in French too");
  await app.app.sequelize.query("UPDATE users SET language = NULL WHERE id = :id", { replacements: { id: paula.userId } });

  // It closes at 09:00 UTC: a minute before, an answer counts; at 09:00 it is refused.
  const [yes] = await sql<{ id: number; question_id: number }>("SELECT id, question_id FROM poll_options WHERE poll_id = :id AND label = 'Yes'", { id: poll.id });
  const { clock } = await import("../clock.ts");
  try {
    clock.now = () => new Date("2027-01-15T08:59:00Z");
    t.is((await uma.client.post(`/polls/${content.id}/answer`, { [`q${yes.question_id}`]: String(yes.id) })).status, 303);
    clock.now = () => new Date("2027-01-15T09:00:00Z");
    const late = await paula.client.post(`/polls/${content.id}/answer`, { [`q${yes.question_id}`]: String(yes.id) });
    t.is(late.status, 409);
    t.true(late.text.includes("This poll is closed"));
  } finally {
    clock.now = () => new Date();
  }
});

test.serial("the settings page shows and reads the closing time in the author's zone; summer time counts; a bad zone is refused", async (t) => {
  t.is((await paula.client.post("/compose/poll", { target: "company:0", returnTo: "/", body: "Summer party?", options: "Yes\nNo", closesAt: "2027-01-20T18:30", timeZone: "Europe/Paris" })).status, 303);
  const [poll] = await sql<{ id: number }>("SELECT id FROM polls WHERE title = 'Summer party?'");
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'poll' AND ref_id = :id", { id: poll.id });
  const page = (await paula.client.get(`/polls/${content.id}/settings`)).text;
  t.true(page.includes('name="closesAt" type="datetime-local" value="2027-01-20T18:30"'), "shown as Paula typed it, not in UTC");
  t.true(page.includes('<input type="hidden" name="timeZone" value="Europe/Paris">'));
  const rules = { results: "always", allowChange: "on", timeZone: "Europe/Paris" };
  t.is((await paula.client.post(`/polls/${content.id}/settings`, { ...rules, closesAt: "2027-07-15T10:00" })).status, 303);
  const closesAt = async () => instant((await sql<{ closes_at: unknown }>("SELECT closes_at FROM polls WHERE id = :id", { id: poll.id }))[0].closes_at);
  t.is(await closesAt(), "2027-07-15T08:00:00.000Z", "10:00 in Paris in July is 08:00 UTC (summer time)");
  const refused = await paula.client.post(`/polls/${content.id}/settings`, { ...rules, closesAt: "2027-08-01T10:00", timeZone: "Mars/Olympus" });
  t.is(refused.status, 422, "an unknown zone is refused");
  t.is(await closesAt(), "2027-07-15T08:00:00.000Z", "nothing changed");
  // A client that sends no zone (a script) gives UTC, or a full ISO time with its own offset.
  t.is((await paula.client.post(`/polls/${content.id}/settings`, { results: "always", allowChange: "on", closesAt: "2027-07-15T10:00" })).status, 303);
  t.is(await closesAt(), "2027-07-15T10:00:00.000Z");
});

test.serial("a contest's entry deadline is read in the writer's zone and shown in the reader's", async (t) => {
  const posted = await paula.client.post("/compose/contest", { target: "company:0", returnTo: "/", body: "Best winter photo", submissionsCloseAt: "2027-01-10T18:00", closesAt: "2027-01-17T18:00", timeZone: "Europe/Paris", maxEntries: "1", votesPerPerson: "1" });
  t.is(posted.status, 303);
  const [poll] = await sql<{ id: number; submissions_close_at: unknown; closes_at: unknown }>("SELECT id, submissions_close_at, closes_at FROM polls WHERE title = 'Best winter photo'");
  t.is(instant(poll.submissions_close_at), "2027-01-10T17:00:00.000Z");
  t.is(instant(poll.closes_at), "2027-01-17T17:00:00.000Z");
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'contest' AND ref_id = :id", { id: poll.id });
  t.true(entryHtml((await paula.client.get("/")).text, content.id).includes("Entries are open until 10 Jan 2027, 18:00 (Europe/Paris)"));
  t.true(entryHtml((await uma.client.get("/")).text, content.id).includes(`Entries are open until ${shown("2027-01-10T17:00:00.000Z", serverZone)}`));
});
