import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { publish, usernameOf } from "../../../test/helpers/content.ts";
import { notificationsOf, queueDrained } from "../../../test/notifications/helpers.ts";
import { search, suggestions } from "../../../test/search/helpers.ts";
import { createGroup } from "./helpers.ts";

// Groups through core's notifications and search: what reaches whom, and what a search may reveal.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const typesOf = async (userId: number) => (await notificationsOf(userId)).map((notification) => notification.type);

test.serial("invitations, requests and approvals notify the people concerned", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Night shift", visibility: "private" });
  const invitee = await app.signedIn("member");
  const requester = await app.signedIn("member");
  await owner.client.post(`${group.url}/invitations`, { people: await usernameOf(invitee.userId) });
  await requester.client.post(`${group.url}/request`, { message: "I work nights" });
  await queueDrained();
  t.deepEqual(await typesOf(invitee.userId), ["groups.invitation"]);
  t.deepEqual(await typesOf(owner.userId), ["groups.request"]);

  const { GroupRequest } = await import("../models/request.ts");
  const request = (await GroupRequest.findOne({ where: { groupId: group.id, userId: requester.userId } }))!;
  await owner.client.post(`${group.url}/requests/${request.id}/approve`);
  await queueDrained();
  t.deepEqual(await typesOf(requester.userId), ["groups.approved"]);
  const bell = await invitee.client.get("/notifications");
  t.regex(bell.text, /invited you to join Night shift/);
});

test.serial("a member's notification level is what core reads for the group", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Quiet corner", visibility: "open" });
  const reader = await app.signedIn("member");
  await reader.client.post(`${group.url}/join`);
  const definition = app.app.registry.containerType("group")!;
  const container = { type: "group", id: group.id, slug: group.slug, name: "Quiet corner" };
  const outsider = await app.signedIn("member");
  const before = await definition.notificationLevels!(container, [reader.userId, owner.userId, outsider.userId]);
  t.is(before.get(reader.userId), "all");
  t.is(before.get(owner.userId), "all");
  t.false(before.has(outsider.userId), "non-members have no level here");
  await reader.client.post(`${group.url}/preferences`, { notificationLevel: "highlights", showOnDashboard: "1" });
  const levels = await definition.notificationLevels!(container, [reader.userId]);
  t.is(levels.get(reader.userId), "highlights");
});

test.serial("search lists open and private groups to members, secret ones and their posts to their members only", async (t) => {
  const owner = await app.signedIn("member");
  const secret = await createGroup(owner.client, { name: "Quasar secret lab", visibility: "secret", description: "quasar research" });
  const open = await createGroup(owner.client, { name: "Quasar open forum", visibility: "open" });
  await publish(owner.client, { target: `group:${secret.id}`, body: "quasar prototype results" });
  const outsider = await app.signedIn("member");
  const outsiderResults = (await search(outsider.client, "quasar")).main;
  t.true(outsiderResults.includes(open.url), "an open group is found");
  t.false(outsiderResults.includes(secret.url), "a secret group is not");
  t.false(outsiderResults.includes("prototype results"), "nor its posts");
  const suggested = JSON.stringify((await suggestions(outsider.client, "quasar")).body);
  t.false(suggested.includes("secret lab"), "autocomplete does not offer it either");
  t.true((await search(owner.client, "quasar")).main.includes(secret.url), "its members find it");
});
