import test from "ava";
import type { TestApp } from "../helpers/app.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import type { TestSmtp } from "../helpers/smtp.ts";
import { queueDrained, startMailingApp, waitUntil } from "./helpers.ts";

let app: TestApp;
let smtp: TestSmtp;
test.before(async () => {
  ({ app, smtp } = await startMailingApp());
});
test.after.always(async () => {
  await app?.close();
  await smtp?.close();
});

const settingsOf = async (userId: number) => {
  const { NotificationSetting } = await import("../../core/models/notification-settings.ts");
  return NotificationSetting.findByPk(userId);
};

/** The wall clock in a zone: "Mon 18:00". */
const localClock = (date: Date, timeZone: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(date).replace(",", "");

const form = (fields: Record<string, string | string[]>) => ({ web: "mention", email: "mention", emailFrequency: "daily", quietStart: "", quietEnd: "", timeZone: "UTC", ...fields });

test.serial("the form offers the summary hour, 8:00 by default, in English and French", async (t) => {
  const { client } = await app.signedIn("member");
  const page = await client.get("/account/notifications");
  t.is(page.status, 200);
  t.true(page.text.includes('<label for="f-digestHour">Send summaries at</label>'));
  t.regex(page.text, /<option value="8" selected>8:00<\/option>/);
  t.is((page.text.match(/name="digestHour"/g) ?? []).length, 1);
  const french = await client.get("/account/notifications", { "accept-language": "fr" });
  t.true(french.text.includes('<label for="f-digestHour">Envoyer les résumés à</label>'));
  t.true(french.text.includes("Les résumés hebdomadaires partent le lundi à cette heure-là."));
});

test.serial("a chosen hour plans summaries at that hour in the person's time zone; weekly ones on Mondays", async (t) => {
  const reader = await app.signedIn("member");
  t.is((await reader.client.post("/account/notifications", form({ digestHour: "18", timeZone: "Asia/Tokyo" }))).status, 302);
  const daily = (await settingsOf(reader.userId))!;
  t.is(daily.digestHour, 18);
  t.true(daily.nextDigestAt! > new Date());
  t.true(daily.nextDigestAt!.getTime() - Date.now() <= 24 * 3600_000, "the next one, within a day");
  t.regex(localClock(daily.nextDigestAt!, "Asia/Tokyo"), / 18:00$/);
  t.regex((await reader.client.get("/account/notifications")).text, /<option value="18" selected>18:00<\/option>/, "the form shows the stored hour");

  t.is((await reader.client.post("/account/notifications", form({ emailFrequency: "weekly", digestHour: "0", timeZone: "America/New_York" }))).status, 302);
  const weekly = (await settingsOf(reader.userId))!;
  t.is(weekly.digestHour, 0, "midnight is an hour like any other");
  t.is(localClock(weekly.nextDigestAt!, "America/New_York"), "Mon 00:00");

  t.is((await reader.client.post("/account/notifications", form({ digestHour: "22", quietStart: "21", quietEnd: "7", timeZone: "Europe/Paris" }))).status, 302);
  t.regex(localClock((await settingsOf(reader.userId))!.nextDigestAt!, "Europe/Paris"), / 07:00$/, "an hour inside quiet hours waits until they end");

  const older = await app.signedIn("member");
  t.is((await older.client.post("/account/notifications", form({ timeZone: "Europe/Paris" }))).status, 302, "a form without the field keeps the default");
  const kept = (await settingsOf(older.userId))!;
  t.is(kept.digestHour, null);
  t.regex(localClock(kept.nextDigestAt!, "Europe/Paris"), / 08:00$/);
});

test.serial("a bad hour is refused with a message, and nothing is changed", async (t) => {
  const reader = await app.signedIn("member");
  t.is((await reader.client.post("/account/notifications", form({ digestHour: "6", timeZone: "Europe/Paris" }))).status, 302);
  const before = (await settingsOf(reader.userId))!.toJSON();
  for (const wrong of ["24", "-1", "7.5", "noon", "", " 6", "123", ["6", "7"]]) {
    const response = await reader.client.post("/account/notifications", form({ digestHour: wrong, emailFrequency: "weekly", timeZone: "UTC" }));
    t.is(response.status, 422, JSON.stringify(wrong));
    t.true(response.text.includes("Choose an hour from the list."), JSON.stringify(wrong));
    t.regex(response.text, /id="f-digestHour" name="digestHour"[^>]*aria-invalid="true"/);
  }
  const french = await reader.client.post("/account/notifications", form({ digestHour: "99" }), { headers: { "accept-language": "fr" } });
  t.is(french.status, 422);
  t.true(french.text.includes("Choisissez une heure dans la liste."));
  t.deepEqual((await settingsOf(reader.userId))!.toJSON(), before, "the stored settings are untouched");
});

test.serial("the scheduler keeps the chosen hour: after a summary goes out, the next is planned at it again", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  t.is((await reader.client.post("/account/notifications", form({ digestHour: "13", timeZone: "Australia/Sydney" }))).status, 302);
  const { NotificationSetting } = await import("../../core/models/notification-settings.ts");
  await publish(author.client, { target: "company:0", title: "Summary hour item", body: `For @${await usernameOf(reader.userId)}` });
  await queueDrained();
  await NotificationSetting.update({ nextDigestAt: new Date(Date.now() - 1000) }, { where: { userId: reader.userId } });
  const digest = await smtp.waitFor(reader.account.email);
  t.regex(digest.subject, /daily summary/);
  t.true(digest.text.includes("Summary hour item"));
  const next = await waitUntil(async () => {
    const row = await settingsOf(reader.userId);
    return row?.nextDigestAt && row.nextDigestAt > new Date() ? row.nextDigestAt : null;
  }, "the next summary to be planned");
  t.regex(localClock(next, "Australia/Sydney"), / 13:00$/);
});

test.serial("nextDigestAt: the chosen hour, the default for a missing one, the later hour across a DST gap", async (t) => {
  const { nextDigestAt } = await import("../../core/notifications/clock.ts");
  const quiet = { start: null, end: null, timeZone: "Europe/Paris" };
  const saturdayNoon = new Date("2026-03-28T12:00:00Z");
  t.is(nextDigestAt("daily", saturdayNoon, quiet, 20).toISOString(), "2026-03-28T19:00:00.000Z", "20:00 the same day (UTC+1)");
  t.is(nextDigestAt("daily", saturdayNoon, quiet, 9).toISOString(), "2026-03-29T07:00:00.000Z", "9:00 the next day, summer time (UTC+2)");
  t.is(nextDigestAt("daily", saturdayNoon, quiet, null).toISOString(), "2026-03-29T06:00:00.000Z", "no choice: 8:00");
  t.is(nextDigestAt("daily", saturdayNoon, quiet, 2).toISOString(), "2026-03-29T01:00:00.000Z", "2:00 does not exist that night: 3:00");
  t.is(nextDigestAt("weekly", saturdayNoon, quiet, 17).toISOString(), "2026-03-30T15:00:00.000Z", "Monday 17:00");
});
