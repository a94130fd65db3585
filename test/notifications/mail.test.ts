import test from "ava";
import type { TestApp } from "../helpers/app.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import type { TestSmtp } from "../helpers/smtp.ts";
import type { Client } from "../helpers/client.ts";
import { comment } from "../comments/helpers.ts";
import { notificationsOf, pause, queueDrained, startMailingApp, waitUntil } from "./helpers.ts";

let app: TestApp;
let smtp: TestSmtp;
test.before(async () => {
  ({ app, smtp } = await startMailingApp());
});
test.after.always(async () => {
  await app?.close();
  await smtp?.close();
});

const models = async () => ({
  ...(await import("../../core/models/notification-settings.ts")),
  ...(await import("../../core/jobs/job.ts")),
});

async function mention(author: { client: Client }, userId: number, title: string) {
  const id = await publish(author.client, { target: "company:0", title, body: `Hello @${await usernameOf(userId)}` });
  await queueDrained();
  return id;
}

test.serial("one-click unsubscribe works without login, only for that person and that type", async (t) => {
  const { NotificationPreference } = await models();
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  await mention(author, reader.userId, "First ping");
  const mail = await smtp.waitFor(reader.account.email);
  const url = new URL(/^<(.+)>$/.exec(mail.headers["list-unsubscribe"])![1]);
  t.true(mail.text.includes(url.href), "the text part carries the same link");

  const anonymous = app.client();
  const page = await anonymous.get(url.pathname);
  t.is(page.status, 200);
  t.true(page.text.includes("Stop e-mails about: Someone mentions me?"));
  t.is(await NotificationPreference.count({ where: { userId: reader.userId } }), 0, "showing the page changes nothing (link scanners)");

  const tampered = url.pathname.slice(0, -1) + (url.pathname.endsWith("a") ? "b" : "a");
  t.is((await fetch(app.url + tampered, { method: "POST" })).status, 404);
  // What a mail provider sends (RFC 8058): a bare POST without cookies or CSRF token.
  const oneClick = await fetch(app.url + url.pathname, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
  t.is(oneClick.status, 200);
  t.true((await oneClick.text()).includes("You will no longer receive e-mails about: Someone mentions me."));
  const multipart = new FormData();
  multipart.set("List-Unsubscribe", "One-Click");
  t.is((await fetch(app.url + url.pathname, { method: "POST", body: multipart })).status, 200, "the multipart form of RFC 8058 too");
  t.deepEqual((await NotificationPreference.findAll({ where: { userId: reader.userId } })).map((p) => [p.type, p.channel, p.isEnabled]), [["mention", "email", false]]);

  await mention(author, reader.userId, "Second ping");
  const post = await publish(reader.client, { target: "company:0", title: "My own post", body: "Comments welcome" });
  await comment(author.client, post, "A comment on your post");
  await queueDrained();
  const reply = await smtp.waitFor(reader.account.email);
  t.regex(reply.subject, /commented on your post “My own post”/, "other types are still mailed");
  await pause(200);
  t.deepEqual(smtp.to(reader.account.email), [], "no mail for the second mention");
  t.is((await notificationsOf(reader.userId)).filter((n) => n.type === "mention").length, 2, "the site still shows mentions");

  const other = await app.signedIn("member");
  await mention(author, other.userId, "Someone else's ping");
  t.truthy(await smtp.waitFor(other.account.email), "other people are not unsubscribed");
});

test.serial("digests collect unseen notifications once; a later digest never repeats them", async (t) => {
  const { NotificationSetting, Job } = await models();
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const saved = await reader.client.post("/account/notifications", { web: ["mention", "reply"], email: ["mention", "reply"], emailFrequency: "daily", quietStart: "", quietEnd: "", timeZone: "Europe/Paris" });
  t.is(saved.status, 302);
  const settings = (await NotificationSetting.findByPk(reader.userId))!;
  t.true(settings.nextDigestAt! > new Date(), "the next digest is planned");
  t.is(Number(new Intl.DateTimeFormat("en", { timeZone: "Europe/Paris", hour: "numeric", hourCycle: "h23" }).format(settings.nextDigestAt!)), 8, "in the morning, their time");
  const due = () => NotificationSetting.update({ nextDigestAt: new Date(Date.now() - 1000) }, { where: { userId: reader.userId } });

  await mention(author, reader.userId, "Digest item one");
  await mention(author, reader.userId, "Digest item two");
  const read = await mention(author, reader.userId, "Already seen");
  const seen = (await notificationsOf(reader.userId)).find((n) => n.contentId === read)!;
  await reader.client.get(`/notifications/${seen.id}`);
  await pause(200);
  t.deepEqual(smtp.to(reader.account.email), [], "nothing is mailed at once");

  await due();
  const digest = await smtp.waitFor(reader.account.email);
  t.regex(digest.subject, /Your daily summary from Agora: 2 new notifications/);
  t.true(digest.text.includes("Digest item one") && digest.text.includes("Digest item two"));
  t.false(digest.text.includes("Already seen"), "what was read is not in it");
  t.regex(digest.headers["list-unsubscribe"], /\/unsubscribe\//);
  t.true((await NotificationSetting.findByPk(reader.userId))!.nextDigestAt! > new Date(), "the next one is planned again");

  await due();
  await waitUntil(async () => (await NotificationSetting.findByPk(reader.userId))!.nextDigestAt! > new Date(), "the empty digest to be handled");
  await queueDrained();
  t.deepEqual(smtp.to(reader.account.email), [], "nothing new: no digest");

  await mention(author, reader.userId, "Digest item three");
  await due();
  const next = await smtp.waitFor(reader.account.email);
  t.regex(next.subject, /1 new notification$/);
  t.true(next.text.includes("Digest item three"));
  t.false(next.text.includes("Digest item one") || next.text.includes("Digest item two"), "never the same item twice");
  await queueDrained();
  t.is(await Job.count({ where: { kind: "notifications.digest", status: "failed" } }), 0);
  t.true((await Job.count({ where: { kind: "notifications.digest", status: "done" } })) >= 3, "one job per period, the empty one included");
});

test.serial("quiet hours hold immediate mail until they end", async (t) => {
  const { Job } = await models();
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const hour = new Date().getUTCHours();
  const end = (hour + 2) % 24;
  const saved = await reader.client.post("/account/notifications", { web: "mention", email: "mention", emailFrequency: "immediate", quietStart: String(hour), quietEnd: String(end), timeZone: "UTC" });
  t.is(saved.status, 302);
  await mention(author, reader.userId, "Late-night ping");
  const [notification] = await notificationsOf(reader.userId);
  const job = (await Job.findOne({ where: { idempotencyKey: `mail:notification:${notification.id}` } }))!;
  t.is(job.status, "pending");
  const expected = new Date();
  expected.setUTCHours(end, 0, 0, 0);
  if (expected <= new Date()) expected.setUTCDate(expected.getUTCDate() + 1);
  t.is(job.runAt.getTime(), expected.getTime(), "sent when the quiet hours end");
  await pause(300);
  t.deepEqual(smtp.to(reader.account.email), []);
  t.is((await notificationsOf(reader.userId)).length, 1, "the site shows it at once");
});
