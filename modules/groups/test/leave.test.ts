import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { addMember, createGroup } from "./helpers.ts";

// Leaving a group: the only owner is told why first and hands the group over, without JavaScript.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const roleOf = async (groupId: number, userId: number) => {
  const { GroupMembership } = await import("../models/membership.ts");
  return (await GroupMembership.findOne({ where: { groupId, userId } }))?.role ?? null;
};

test.serial("the only owner is told why before leaving, then hands the group over and leaves in one step", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Handover crew", visibility: "private" });
  const heir = await app.signedIn("member", { displayName: "Hanna Heir" });
  await addMember(group.id, heir.userId, "admin");

  const page = await owner.client.get(group.url);
  t.true(page.text.includes(`href="${group.url}/leave"`), "Leave leads to the leave page");
  t.false(page.text.includes(`action="${group.url}/leave"`), "not a form that fails");
  const leavePage = await owner.client.get(`${group.url}/leave`);
  t.is(leavePage.status, 200);
  t.regex(leavePage.text, /only owner/);
  t.regex(leavePage.text, new RegExp(`<option value="${heir.userId}">Hanna Heir`));
  t.false(leavePage.text.includes(`<option value="${owner.userId}"`), "not oneself");

  const refused = await owner.client.post(`${group.url}/leave`);
  t.is(refused.status, 409);
  t.regex(refused.text, /always keeps at least one owner/, "the reason");
  t.regex(refused.text, /name="newOwner"/, "and the way out, on the same page");
  t.is(await roleOf(group.id, owner.userId), "owner", "nothing changed");

  const done = await owner.client.post(`${group.url}/leave`, { newOwner: String(heir.userId) });
  t.is(done.status, 302);
  t.is(done.location, "/groups");
  t.is(await roleOf(group.id, heir.userId), "owner", "the heir owns the group");
  t.is(await roleOf(group.id, owner.userId), null, "the former owner left");
  t.regex((await owner.client.get("/groups")).text, /You handed Handover crew over and left it/);
});

test.serial("a hand-over to someone who is not a member, or to oneself, changes nothing", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Stubborn keep", visibility: "open" });
  const member = await app.signedIn("member");
  await addMember(group.id, member.userId);
  const stranger = await app.signedIn("member");
  for (const newOwner of [String(stranger.userId), String(owner.userId), "abc", "999999"]) {
    const response = await owner.client.post(`${group.url}/leave`, { newOwner });
    t.is(response.status, 422, newOwner);
    t.regex(response.text, /name="newOwner"/, "the form comes back");
  }
  t.is(await roleOf(group.id, owner.userId), "owner");
  t.is(await roleOf(group.id, member.userId), "member");
  t.is(await roleOf(group.id, stranger.userId), null);
  const notOwner = await member.client.post(`${group.url}/leave`, { newOwner: String(owner.userId) });
  t.is(notOwner.status, 403, "only an owner hands a group over");
  t.is(await roleOf(group.id, member.userId), "member");
});

test.serial("an owner alone in the group is offered to invite someone or delete it", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Lonely island", visibility: "open" });
  const page = await owner.client.get(`${group.url}/leave`);
  t.regex(page.text, /nobody else can take it over/);
  t.true(page.text.includes(`href="${group.url}/delete"`));
  t.false(page.text.includes('name="newOwner"'));
});

test.serial("a member, or one of two owners, leaves after a plain confirmation", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Easy exit", visibility: "open" });
  const member = await app.signedIn("member");
  const coOwner = await app.signedIn("member");
  await addMember(group.id, member.userId);
  await addMember(group.id, coOwner.userId, "owner");
  t.true((await member.client.get(group.url)).text.includes(`action="${group.url}/leave"`), "members keep the one-click form");
  const confirm = await coOwner.client.get(`${group.url}/leave`);
  t.regex(confirm.text, /Leave Easy exit\?/);
  t.false(confirm.text.includes('name="newOwner"'));
  t.is((await coOwner.client.post(`${group.url}/leave`)).status, 302);
  t.is((await member.client.post(`${group.url}/leave`)).status, 302);
  t.is(await roleOf(group.id, coOwner.userId), null);
  t.is(await roleOf(group.id, member.userId), null);
  t.is((await member.client.get(`${group.url}/leave`)).status, 409, "someone who is not a member has nothing to leave");
});
