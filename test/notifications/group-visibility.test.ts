import test from "ava";
import type { TestApp } from "../helpers/app.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import type { TestSmtp } from "../helpers/smtp.ts";
import { createGroup } from "../../modules/groups/test/helpers.ts";
import { notificationsOf, queueDrained, startMailingApp, waitUntil } from "./helpers.ts";

// A notification about a group names it and links to it only while the reader may still know the group.
let app: TestApp;
let smtp: TestSmtp;
test.before(async () => {
  ({ app, smtp } = await startMailingApp());
});
test.after.always(async () => {
  await app?.close();
  await smtp?.close();
});

const invitationOf = async (groupId: number, userId: number) => {
  const { GroupInvitation } = await import("../../modules/groups/models/invitation.ts");
  return GroupInvitation.findOne({ where: { groupId, userId } });
};

test.serial("a revoked invitation to a secret group no longer names the group or links to it, on the site or in a digest", async (t) => {
  const { NotificationSetting } = await import("../../core/models/notification-settings.ts");
  const owner = await app.signedIn("member");
  const invitee = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Skunkworks Orion", visibility: "secret" });
  const saved = await invitee.client.post("/account/notifications", {
    web: ["mention", "groups.invitation"],
    email: ["mention", "groups.invitation"],
    emailFrequency: "daily",
    quietStart: "",
    quietEnd: "",
    timeZone: "UTC",
  });
  t.is(saved.status, 302);

  await owner.client.post(`${group.url}/invitations`, { people: await usernameOf(invitee.userId) });
  await queueDrained();
  const [notification] = await notificationsOf(invitee.userId);
  t.is(notification?.type, "groups.invitation");
  const before = await invitee.client.get("/notifications");
  t.regex(before.text, /invited you to join Skunkworks Orion/, "while invited, the invitee sees the group");
  t.true(before.text.includes(`href="/notifications/${notification.id}"`));

  const invitation = (await invitationOf(group.id, invitee.userId))!;
  t.is((await owner.client.post(`${group.url}/invitations/${invitation.id}/revoke`)).status, 302);
  t.is(await invitationOf(group.id, invitee.userId), null, "the invitation is gone");

  const after = await invitee.client.get("/notifications");
  t.is(after.status, 200);
  t.false(after.text.includes("Skunkworks Orion"), "no name");
  t.false(after.text.includes(group.url), "no link to the group");
  t.false(after.text.includes(`href="/notifications/${notification.id}"`), "no link to open it");
  t.true(after.text.includes("This item is no longer available to you."));
  const opened = await invitee.client.get(`/notifications/${notification.id}`);
  t.is(opened.location, "/notifications", "opening it leads back to the list, not to the group");
  t.is((await notificationsOf(invitee.userId)).length, 1, "the row stays, only its presentation changes");

  // The digest: another item goes out, the revoked invitation does not.
  await publish(owner.client, { target: "company:0", title: "Digest neighbour", body: `Hello @${await usernameOf(invitee.userId)}` });
  await queueDrained();
  await NotificationSetting.update({ nextDigestAt: new Date(Date.now() - 1000) }, { where: { userId: invitee.userId } });
  const digest = await smtp.waitFor(invitee.account.email, 8000);
  t.true(digest.text.includes("Digest neighbour"));
  t.false(digest.text.includes("Skunkworks") || digest.html.includes("Skunkworks"), "the digest does not name the group");
  t.false(digest.text.includes(group.url) || digest.html.includes(group.url), "nor link to it");
  t.regex(digest.subject, /1 new notification$/);
});

test.serial("a member removed from a secret group no longer sees its name in their notifications; a private group stays named", async (t) => {
  const owner = await app.signedIn("member");
  const member = await app.signedIn("member");
  const secret = await createGroup(owner.client, { name: "Skunkworks Vega", visibility: "secret" });
  const listed = await createGroup(owner.client, { name: "Listed Lyra", visibility: "private" });
  for (const group of [secret, listed]) {
    await owner.client.post(`${group.url}/invitations`, { people: await usernameOf(member.userId) });
    t.is((await member.client.post(`${group.url}/invitation/accept`)).status, 302);
  }
  await queueDrained();
  t.deepEqual((await notificationsOf(member.userId)).map((n) => n.type), ["groups.invitation", "groups.invitation"]);
  const asMember = await member.client.get("/notifications");
  t.regex(asMember.text, /invited you to join Skunkworks Vega/, "a member sees the group");

  for (const group of [secret, listed]) t.is((await owner.client.post(`${group.url}/members/${member.userId}/remove`)).status, 302);
  const { GroupMembership } = await import("../../modules/groups/models/membership.ts");
  t.is(await GroupMembership.count({ where: { userId: member.userId } }), 0, "removed from both");
  t.is((await member.client.get(secret.url)).status, 404, "the secret group is hidden from them now");

  const page = await member.client.get("/notifications");
  t.false(page.text.includes("Skunkworks Vega"), "the secret group's name is gone");
  t.false(page.text.includes(secret.url));
  t.true(page.text.includes("This item is no longer available to you."));
  t.regex(page.text, /invited you to join Listed Lyra/, "a private group is listed to every member: it may still be named");

  // The same for a person who leaves on their own.
  const leaver = await app.signedIn("member");
  await owner.client.post(`${secret.url}/invitations`, { people: await usernameOf(leaver.userId) });
  await leaver.client.post(`${secret.url}/invitation/accept`);
  await queueDrained();
  await waitUntil(async () => (await notificationsOf(leaver.userId)).length === 1, "the invitation notification");
  t.is((await leaver.client.post(`${secret.url}/leave`)).status, 302);
  await leaver.client.get("/groups"); // shows the "you left" flash, which names the group to the one who just left it
  const left = await leaver.client.get("/notifications");
  t.false(left.text.includes("Skunkworks Vega"));
  t.false(left.text.includes(secret.url));
});
