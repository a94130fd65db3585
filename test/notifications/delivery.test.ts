import test from "ava";
import type { TestApp } from "../helpers/app.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import type { TestSmtp } from "../helpers/smtp.ts";
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

type Person = Awaited<ReturnType<TestApp["signedIn"]>>;

const typesOf = async (person: Person) => (await notificationsOf(person.userId)).map((n) => n.type);
const mailsTo = (person: Person) => smtp.to(person.account.email);

test.serial("a mention reaches the mentioned reader on the site and by e-mail; nobody else, never the author", async (t) => {
  const author = await app.signedIn("member");
  const mentioned = await app.signedIn("member");
  const bystander = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", title: "Budget review", body: `Please check this, @${await usernameOf(mentioned.userId)}` });
  await queueDrained();

  t.deepEqual(await typesOf(mentioned), ["mention"]);
  t.deepEqual(await typesOf(author), []);
  t.deepEqual(await typesOf(bystander), []);
  const page = await mentioned.client.get("/notifications");
  t.is(page.status, 200);
  t.true(page.text.includes(`${author.account.displayName} mentioned you in “Budget review”`));
  t.regex(page.text, /class="bell-count" data-unread-count>1</, "the bell shows one unread");

  const mail = await smtp.waitFor(mentioned.account.email);
  t.is(mail.subject, `${author.account.displayName} mentioned you in “Budget review”`);
  t.true(mail.text.includes(`/c/${id}`));
  t.true(mail.html.includes(`/c/${id}`));
  t.regex(mail.headers["list-unsubscribe"], /^<http:\/\/localhost:3000\/unsubscribe\/[\w-]+\.[\w-]{32}>$/);
  t.is(mail.headers["list-unsubscribe-post"], "List-Unsubscribe=One-Click");
  t.deepEqual(mailsTo(author), []);
  t.deepEqual(mailsTo(bystander), []);
});

test.serial("comments: the author hears of each by mail, other followers on the site only, grouped by item", async (t) => {
  const author = await app.signedIn("member");
  const first = await app.signedIn("member");
  const second = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", title: "Offsite plans", body: "Where shall we go?" });
  await comment(first.client, id, "The mountains!");
  await queueDrained();
  await comment(second.client, id, "The seaside.");
  await queueDrained();
  await comment(second.client, id, "Or both?");
  await queueDrained();

  const authorNotes = await notificationsOf(author.userId);
  t.deepEqual(authorNotes.map((n) => n.type), ["reply", "reply", "reply"], "each reply was mailed, so the next one starts a new line");
  t.true(authorNotes.every((n) => n.emailedAt !== null));
  await waitUntil(() => mailsTo(author).length === 3, "three reply mails to the author");
  const firstNotes = await notificationsOf(first.userId);
  t.deepEqual(firstNotes.map((n) => n.type), ["comment"], "comments on a followed item fold into one line while unread");
  t.is(firstNotes[0].actorCount, 1, "the same person commenting twice counts once");
  t.deepEqual(await typesOf(second), [], "nobody hears of their own comments");
  t.deepEqual(mailsTo(first), [], "comments on followed items are not mailed by default");

  const third = await app.signedIn("member");
  await comment(third.client, id, "Count me in.");
  await queueDrained();
  const grouped = await notificationsOf(first.userId);
  t.is(grouped.length, 1);
  t.is(grouped[0].actorCount, 2);
  t.is(grouped[0].actorId, third.userId, "the latest actor is named");
  t.true((await first.client.get("/notifications")).text.includes(`${third.account.displayName} and 1 other person commented on “Offsite plans”`));
  t.deepEqual((await notificationsOf(second.userId)).map((n) => [n.type, n.actorCount]), [["comment", 1]], "a commenter follows the item");
});

test.serial("a reply to a comment tells its author; a reaction tells the author on the site only", async (t) => {
  const author = await app.signedIn("member");
  const commenter = await app.signedIn("member");
  const reactor = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Kick-off at 9 tomorrow" });
  const top = await comment(commenter.client, id, "Remote too?");
  await comment(author.client, id, "Yes, link in the invite.", top);
  t.is((await reactor.client.post(`/c/${id}/react`, { kind: "like" })).status, 302);
  t.is((await reactor.client.post(`/comments/${top}/react`, { kind: "celebrate" })).status, 302);
  await queueDrained();

  const commenterNotes = await notificationsOf(commenter.userId);
  t.deepEqual(commenterNotes.map((n) => [n.type, n.messageKey]), [
    ["reply", "notifications:messages.replyToComment"],
    ["reaction", "notifications:messages.reactionOnComment"],
  ]);
  const authorNotes = await notificationsOf(author.userId);
  t.deepEqual(authorNotes.map((n) => n.type), ["reply", "reaction"]);
  t.deepEqual(await typesOf(reactor), []);
  await waitUntil(() => mailsTo(commenter).length === 1, "the reply mail");
  await pause(200);
  t.is(mailsTo(commenter).length, 1, "reactions are not mailed by default");
  t.is(mailsTo(author).length, 1, "the comment was mailed, the reaction was not");
  t.regex((await commenter.client.get("/notifications")).text, /replied to your comment on “Kick-off at 9 tomorrow”/);
});

test.serial("an announcement reaches every reader of the company stream on the site, not guests, not its author", async (t) => {
  const { Notification } = await import("../../core/models/notification.ts");
  const admin = await app.signedIn("admin");
  const member = await app.signedIn("member");
  const guest = await app.signedIn("guest");
  const id = await publish(admin.client, { target: "company:0", title: "New parking rules", body: "From Monday." });
  t.is((await admin.client.post(`/c/${id}/announce`, { expiresOn: "" })).status, 302);
  await queueDrained();
  const rows = await Notification.findAll({ where: { type: "announcement", contentId: id } });
  const recipients = new Set(rows.map((row) => row.userId));
  t.true(recipients.has(member.userId));
  t.false(recipients.has(guest.userId));
  t.false(recipients.has(admin.userId));
  const { User } = await import("../../core/models/user.ts");
  const staff = await User.count({ where: { status: "active", role: ["admin", "member"] } });
  t.is(recipients.size, staff - 1, "every active member and admin but the author");
  t.true((await member.client.get("/notifications")).text.includes("announced “New parking rules”"));
  await pause(200);
  t.deepEqual(mailsTo(member), [], "announcements are not mailed by default");
});

test.serial("marking read: one by opening it, then all; the list pages by keyset", async (t) => {
  const reader = await app.signedIn("member");
  const name = await usernameOf(reader.userId);
  const writer = await app.signedIn("member");
  for (let index = 0; index < 21; index += 1) await publish(writer.client, { target: "company:0", title: `Note ${index}`, body: `For @${name}` });
  await queueDrained();
  const first = await reader.client.get("/notifications");
  t.regex(first.text, /data-unread-count>21</);
  t.is((first.text.match(/class="notification card is-unread"/g) ?? []).length, 20);
  t.true(first.text.includes("“Note 20”") && !first.text.includes("“Note 0”"));
  const older = /href="(\/notifications\?before=[^"]+)"/.exec(first.text);
  t.truthy(older);
  const second = await reader.client.get(older![1]);
  t.true(second.text.includes("“Note 0”"));
  t.is((await reader.client.get("/notifications?before=nonsense")).status, 400);

  const [newest] = (await notificationsOf(reader.userId)).slice(-1);
  const opened = await reader.client.get(`/notifications/${newest.id}`);
  t.is(opened.status, 302);
  t.is(opened.location, newest.url);
  t.regex((await reader.client.get("/notifications")).text, /data-unread-count>20</);
  t.is((await writer.client.get(`/notifications/${newest.id}`)).status, 404, "someone else's notification");
  const shownAt = /name="shownAt" value="(\d+)"/.exec((await reader.client.get("/notifications")).text)![1];
  t.is((await reader.client.post("/notifications/read-all", { shownAt })).status, 302);
  const after = await reader.client.get("/notifications");
  t.regex(after.text, /data-unread-count hidden>0</);
  t.false(after.text.includes("is-unread"));
});

test.serial("a new follower tells the person followed, on the site only; followers fold into one line while unread", async (t) => {
  const followed = await app.signedIn("member");
  const first = await app.signedIn("member");
  const second = await app.signedIn("member");
  const bystander = await app.signedIn("member");
  const username = await usernameOf(followed.userId);
  t.is((await first.client.post(`/u/${username}/follow`)).status, 302);
  await queueDrained();
  t.is((await first.client.post(`/u/${username}/follow`)).status, 302, "following twice is harmless");
  t.is((await second.client.post(`/u/${username}/follow`)).status, 302);
  await queueDrained();

  const rows = await notificationsOf(followed.userId);
  t.deepEqual(rows.map((n) => [n.type, n.actorCount, n.actorId]), [["follow", 2, second.userId]], "one line, two people, the latest named");
  t.true((await followed.client.get("/notifications")).text.includes(`${second.account.displayName} and 1 other person started following you`));
  for (const person of [first, second, bystander]) t.deepEqual(await typesOf(person), [], "nobody else hears of it");
  await pause(200);
  t.deepEqual(mailsTo(followed), [], "new followers are not mailed by default");
});
