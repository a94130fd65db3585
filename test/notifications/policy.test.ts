import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import { startSmtp, type TestSmtp } from "../helpers/smtp.ts";
import { comment } from "../comments/helpers.ts";
import { notificationsOf, pause, queueDrained } from "./helpers.ts";

let app: TestApp;
let smtp: TestSmtp;
test.before(async () => {
  smtp = await startSmtp();
  app = await startApp({ AGORA_SMTP_URL: smtp.url, AGORA_JOBS_POLL_MS: "50", AGORA_JOBS_RETRY_MS: "200" });
  await app.app.registry.enable("fixture-rooms");
});
test.after.always(async () => {
  await app?.close();
  await smtp?.close();
});

const rooms = async () => (await import("../fixtures/modules/fixture-rooms/rooms.ts")).rooms;

test.serial("a mention in a private room does not reach a non-member; a member who left stops hearing of it", async (t) => {
  const secret = (await rooms()).find((room) => room.slug === "secret")!;
  const member = await app.signedIn("member");
  const colleague = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  secret.members.set(member.userId, "member");
  secret.members.set(colleague.userId, "member");
  const id = await publish(member.client, { target: `fixture-room:${secret.id}`, title: "Skunkworks", body: `Plan for @${await usernameOf(colleague.userId)} and @${await usernameOf(outsider.userId)}` });
  await comment(colleague.client, id, "Count me in");
  await queueDrained();
  t.deepEqual((await notificationsOf(colleague.userId)).map((n) => n.type), ["mention"]);
  t.deepEqual(await notificationsOf(outsider.userId), [], "not a reader: no notification, no mail");
  t.deepEqual(smtp.to(outsider.account.email), []);
  t.false((await outsider.client.get("/notifications")).text.includes("Skunkworks"));

  // The colleague follows the item (mentioned, then commented), then leaves the room.
  secret.members.delete(colleague.userId);
  await comment(member.client, id, "Anyone else?");
  await queueDrained();
  t.deepEqual((await notificationsOf(colleague.userId)).map((n) => n.type), ["mention"], "no comment notification once they cannot read it");
  const list = await colleague.client.get("/notifications");
  t.false(list.text.includes("Skunkworks"), "the old notification no longer shows the title");
  t.true(list.text.includes("This item is no longer available to you."));
  const [mention] = await notificationsOf(colleague.userId);
  t.is((await colleague.client.get(`/notifications/${mention.id}`)).location, "/notifications", "and no longer links to it");
});

test.serial("unfollowing an item silences comments on it but not mentions; following again restores them", async (t) => {
  const author = await app.signedIn("member");
  const follower = await app.signedIn("member");
  const other = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Quarterly numbers" });
  await comment(follower.client, id, "Nice");
  const page = await follower.client.get(`/c/${id}`);
  t.true(page.text.includes(`action="/c/${id}/unfollow"`), "the item page offers to unfollow");
  t.is((await follower.client.post(`/c/${id}/unfollow`)).status, 302);
  t.true((await follower.client.get(`/c/${id}`)).text.includes(`action="/c/${id}/follow"`));
  await comment(other.client, id, "Agreed");
  await comment(follower.client, id, "Commenting again does not follow again");
  await comment(other.client, id, "Still here");
  await queueDrained();
  t.deepEqual(await notificationsOf(follower.userId), []);
  await comment(other.client, id, `Ping @${await usernameOf(follower.userId)}`);
  await queueDrained();
  t.deepEqual((await notificationsOf(follower.userId)).map((n) => n.type), ["mention"]);
  t.is((await follower.client.post(`/c/${id}/follow`)).status, 302);
  await comment(other.client, id, "Welcome back");
  await queueDrained();
  t.deepEqual((await notificationsOf(follower.userId)).map((n) => n.type), ["mention", "comment"]);

  const outsider = await app.signedIn("guest");
  t.is((await outsider.client.post(`/c/${id}/follow`)).status, 404, "following needs read access");
});

test.serial("settings: each type and channel can be switched; the form keeps both columns", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const form = await reader.client.get("/account/notifications");
  t.is(form.status, 200);
  t.regex(form.text, /name="email" value="mention" checked/);
  t.regex(form.text, /name="email" value="comment">/, "comments are not mailed by default");
  const saved = await reader.client.post("/account/notifications", {
    web: ["mention", "reply", "comment", "announcement", "follow"],
    email: ["comment"],
    emailFrequency: "immediate",
    quietStart: "",
    quietEnd: "",
    timeZone: "Europe/Paris",
  });
  t.is(saved.status, 302);
  const id = await publish(author.client, { target: "company:0", title: "Settings check", body: `For @${await usernameOf(reader.userId)}` });
  const commentId = await comment(reader.client, id, "Got it");
  t.is((await author.client.post(`/comments/${commentId}/react`, { kind: "like" })).status, 302);
  await comment(author.client, id, "Thanks");
  await queueDrained();
  t.deepEqual((await notificationsOf(reader.userId)).map((n) => n.type).sort(), ["comment", "mention"], "reactions are off on the site");
  const mail = await smtp.waitFor(reader.account.email);
  t.regex(mail.subject, /commented on “Settings check”/, "comments are now mailed");
  await pause(300);
  t.deepEqual(smtp.to(reader.account.email), [], "the mention is no longer mailed");

  for (const wrong of [{ emailFrequency: "hourly" }, { timeZone: "Mars/Base" }, { quietStart: "24", quietEnd: "6" }]) {
    const response = await reader.client.post("/account/notifications", { emailFrequency: "daily", quietStart: "", quietEnd: "", timeZone: "UTC", ...wrong });
    t.is(response.status, 422, JSON.stringify(wrong));
  }
  const refused = await reader.client.post("/account/notifications", { web: "mention", emailFrequency: "daily", quietStart: "22", quietEnd: "", timeZone: "UTC" });
  t.is(refused.status, 422);
  t.true(refused.text.includes("Choose both the start and the end"));
  t.regex(refused.text, /name="web" value="mention" checked/, "what was submitted is shown again");
  t.regex(refused.text, /name="web" value="reply">/);
  const { NotificationSetting } = await import("../../core/models/notification-settings.ts");
  t.is((await NotificationSetting.findByPk(reader.userId))!.emailFrequency, "immediate", "nothing refused was saved");
});

test.serial("a container's notification level filters activity and highlights; direct types ignore it", async (t) => {
  const alpha = (await rooms()).find((room) => room.slug === "alpha")!;
  const author = await app.signedIn("member");
  const quiet = await app.signedIn("member");
  const highlights = await app.signedIn("member");
  for (const person of [author, quiet, highlights]) alpha.members.set(person.userId, "member");
  const definition = app.app.registry.containerTypes.get("fixture-room")!;
  const levels = new Map([[quiet.userId, "none" as const], [highlights.userId, "highlights" as const]]);
  definition.notificationLevels = async (_container, userIds) => new Map(userIds.filter((id) => levels.has(id)).map((id) => [id, levels.get(id)!]));
  try {
    const names = `@${await usernameOf(quiet.userId)} @${await usernameOf(highlights.userId)}`;
    const id = await publish(author.client, { target: `fixture-room:${alpha.id}`, body: `Room update ${names}` });
    await comment(author.client, id, "A follow-up comment");
    await queueDrained();
    t.deepEqual(await notificationsOf(quiet.userId), [], "level none: nothing from this room");
    t.deepEqual((await notificationsOf(highlights.userId)).map((n) => n.type), ["mention"], "highlights: the mention, not the comment");
  } finally {
    delete definition.notificationLevels;
  }
});

test.serial("modules declare types and notify through the host; a module may only send its own types", async (t) => {
  const { createHost, emptyRegistrations } = await import("../../core/modules/host.ts");
  const { registry } = app.app;
  const registrations = emptyRegistrations();
  const refuse = async (): Promise<never> => {
    throw new Error("no content here");
  };
  const contentFor = () => ({ create: refuse, update: refuse, remove: refuse, restore: refuse });
  const containersFor = () => ({ remove: refuse, archive: refuse, unarchive: refuse });
  const filesFor = () => ({ receive: refuse, receiveStream: refuse, discard: refuse, put: refuse, get: refuse, send: refuse, open: refuse, remove: refuse });
  const services = { logger: app.app.logger, sequelize: app.app.sequelize, registry, emit: async () => undefined, can: async () => false, contentFor, containersFor, filesFor };
  const host = createHost("fixture-rooms", services, registrations);
  t.throws(() => host.notificationType({ id: "mention", label: "x", message: "x", defaults: { web: true, email: false } }), { message: /must be named "fixture-rooms.<name>"/ });
  host.notificationType({ id: "fixture-rooms.invited", label: "notifications:types.mention", message: "notifications:messages.follow", defaults: { web: true, email: true }, level: "always" });
  registry.notificationTypes.add("fixture-rooms", registrations.notificationTypes[0]);
  t.throws(() => host.notificationType({ id: "fixture-rooms.invited", label: "x", message: "x", defaults: { web: true, email: false } }), { message: /already registered/ });

  const inviter = await app.signedIn("admin");
  const invitee = await app.signedIn("member");
  const { User } = await import("../../core/models/user.ts");
  const actor = (await User.findByPk(inviter.userId))!;
  await host.notify({ type: "fixture-rooms.invited", recipients: [invitee.userId, inviter.userId], actor, subject: { url: "/fixture-rooms/secret", title: "Secret" } });
  await t.throwsAsync(host.notify({ type: "mention", recipients: [invitee.userId], actor, subject: { url: "/" } }), { message: /cannot send/ });
  await t.throwsAsync(host.notify({ type: "fixture-rooms.invited", recipients: [invitee.userId], actor, subject: { url: "https://evil.example/" } }), { message: /local path/ });
  await queueDrained();
  t.deepEqual((await notificationsOf(invitee.userId)).map((n) => [n.type, n.url]), [["fixture-rooms.invited", "/fixture-rooms/secret"]]);
  t.deepEqual(await notificationsOf(inviter.userId), [], "never the actor");
  t.regex((await invitee.client.get("/account/notifications")).text, /value="fixture-rooms.invited" checked/, "the type is in everyone's settings");
  const mail = await smtp.waitFor(invitee.account.email);
  t.true(mail.subject.includes("started following you"), "the module's message key renders the line");
});
