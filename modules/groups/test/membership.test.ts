import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { publish, usernameOf } from "../../../test/helpers/content.ts";
import { addMember, createGroup } from "./helpers.ts";

// Membership life: join, request, invitations (accounts and e-mail links), preferences, default groups, shares.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

/** Signs up through the real open registration form, which fires core's "user.created". */
async function register(email: string): Promise<number> {
  await app.app.settings.set({ registrationMode: "open" });
  const client = app.client();
  await client.get("/register");
  const response = await client.post("/register", { displayName: "New Comer", email, password: "a-long-password-1", passwordConfirm: "a-long-password-1", language: "en" });
  if (response.status !== 302) throw new Error(`registration refused: ${response.status}`);
  const { User } = await import("../../../core/models/user.ts");
  return (await User.findOne({ where: { email } }))!.id;
}

const membershipOf = async (groupId: number, userId: number) => {
  const { GroupMembership } = await import("../models/membership.ts");
  return GroupMembership.findOne({ where: { groupId, userId } });
};

test("join and leave an open group; the member count follows", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Runners", visibility: "open" });
  const colleague = await app.signedIn("member");
  t.regex((await colleague.client.get(group.url)).text, /action="\/g\/runners\/join"/);
  t.is((await colleague.client.post(`${group.url}/join`)).status, 302);
  t.is((await membershipOf(group.id, colleague.userId))?.role, "member");
  t.regex((await colleague.client.get(group.url)).text, /2 members/);
  t.is((await colleague.client.post(`${group.url}/leave`)).status, 302);
  t.is(await membershipOf(group.id, colleague.userId), null);
  t.regex((await owner.client.get(group.url)).text, /1 member\b/);
});

test("a private group: request, then approve or decline", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Board room", visibility: "private" });
  const [ana, ben] = [await app.signedIn("member"), await app.signedIn("member")];
  t.is((await ana.client.post(`${group.url}/join`)).status, 403, "no joining a private group directly");
  t.is((await ana.client.post(`${group.url}/request`, { message: "I chair the budget committee" })).status, 302);
  t.is((await ben.client.post(`${group.url}/request`)).status, 302);
  t.regex((await ana.client.get(group.url)).text, /waiting for the group/);
  t.is((await ana.client.post(`${group.url}/request`)).status, 403, "one pending request per person");

  const members = await owner.client.get(`${group.url}/members`);
  t.true(members.text.includes("I chair the budget committee"));
  const { GroupRequest } = await import("../models/request.ts");
  const requests = await GroupRequest.findAll({ where: { groupId: group.id }, order: [["id", "ASC"]] });
  t.is((await ana.client.post(`${group.url}/requests/${requests[0].id}/approve`)).status, 403, "requesters do not approve themselves");
  t.is((await owner.client.post(`${group.url}/requests/${requests[0].id}/approve`)).status, 302);
  t.is((await owner.client.post(`${group.url}/requests/${requests[1].id}/decline`)).status, 302);
  t.is((await membershipOf(group.id, ana.userId))?.role, "member");
  t.is(await membershipOf(group.id, ben.userId), null);
  t.is(await GroupRequest.count({ where: { groupId: group.id } }), 0);
  t.is((await owner.client.post(`${group.url}/requests/${requests[1].id}/approve`)).status, 404, "a decided request is gone");
});

test("invitations to accounts: a secret group shows itself to its invitee only, who accepts or declines", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Skunkworks", visibility: "secret" });
  const [carl, dora, eve] = [await app.signedIn("member"), await app.signedIn("member"), await app.signedIn("member")];
  t.is((await carl.client.get(group.url)).status, 404);
  const names = `${await usernameOf(carl.userId)}, @${await usernameOf(dora.userId)}`;
  t.is((await owner.client.post(`${group.url}/invitations`, { people: names })).status, 302);
  t.is((await eve.client.get(group.url)).status, 404, "not invited: still invisible");
  const invited = await carl.client.get(group.url);
  t.is(invited.status, 200);
  t.regex(invited.text, /invitation\/accept/);
  t.true((await carl.client.get("/groups")).text.includes("Skunkworks"), "listed under your invitations");
  t.is((await carl.client.post(`${group.url}/invitation/accept`)).status, 302);
  t.is((await membershipOf(group.id, carl.userId))?.role, "member");
  t.is((await dora.client.post(`${group.url}/invitation/decline`)).status, 302);
  t.is((await dora.client.get(group.url)).status, 404, "declined: invisible again");

  const refused = await owner.client.post(`${group.url}/invitations`, { people: "nobody-by-that-name" });
  t.is(refused.status, 422);
  t.true(refused.text.includes("nobody-by-that-name"));
  t.is((await carl.client.post(`${group.url}/invitations`, { people: await usernameOf(eve.userId) })).status, 403, "members do not invite by default");
});

test("an e-mail invitation gives a link; the new account finds it, a link works once", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Partners", visibility: "private" });
  const response = await owner.client.post(`${group.url}/invitations`, { people: "Partner@Example.org" });
  t.is(response.status, 302);
  const page = await owner.client.get(`${group.url}/members`);
  const link = /\/groups\/invitations\/([A-Za-z0-9_-]{43})/.exec(page.text);
  t.truthy(link, "the link to pass on is shown to the inviter");
  t.true(page.text.includes("partner@example.org"), "listed as pending");

  const guest = await app.signedIn("guest");
  t.is((await guest.client.get(`/groups/invitations/${link![1]}`)).status, 200);
  t.is((await guest.client.post(`/groups/invitations/${link![1]}`)).status, 302);
  t.is((await membershipOf(group.id, guest.userId))?.role, "member");
  t.is((await guest.client.get(group.url)).status, 200, "the guest now reads the group");
  t.is((await guest.client.get(`/groups/invitations/${link![1]}`)).status, 404, "used once");
  t.is((await guest.client.get("/groups/invitations/not-a-token")).status, 404);

  await owner.client.post(`${group.url}/invitations`, { people: "newcomer@example.org" });
  const userId = await register("newcomer@example.org");
  const { GroupInvitation } = await import("../models/invitation.ts");
  t.is(await GroupInvitation.count({ where: { groupId: group.id, userId } }), 1, "claimed by the new account");
});

test("notification level and 'show on my dashboard' are the member's own", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Book club", visibility: "open" });
  const reader = await app.signedIn("member");
  await reader.client.post(`${group.url}/join`);
  await publish(owner.client, { target: `group:${group.id}`, body: "Next book: Dune" });
  t.true((await reader.client.get("/")).text.includes("Next book: Dune"));
  t.is((await reader.client.post(`${group.url}/preferences`, { notificationLevel: "highlights" })).status, 302);
  const membership = (await membershipOf(group.id, reader.userId))!;
  t.is(membership.notificationLevel, "highlights");
  t.false(membership.showOnDashboard);
  t.false((await reader.client.get("/")).text.includes("Next book: Dune"));
  t.is((await reader.client.post(`${group.url}/preferences`, { notificationLevel: "loud" })).status, 422);
  t.is((await reader.client.post(`${group.url}/preferences`, { notificationLevel: "none", showOnDashboard: "1" })).status, 302);
  t.true((await reader.client.get("/")).text.includes("Next book: Dune"));
  const outsider = await app.signedIn("member");
  t.is((await outsider.client.post(`${group.url}/preferences`, { notificationLevel: "none" })).status, 409);
});

test("new members join the default groups; guests do not", async (t) => {
  const admin = await app.signedIn("admin");
  const group = await createGroup(admin.client, { name: "Welcome aboard", visibility: "open" });
  t.is((await admin.client.post(`${group.url}/settings`, { name: "Welcome aboard", visibility: "open", isDefault: "1" })).status, 302);
  const owner = await app.signedIn("member");
  const other = await createGroup(owner.client, { name: "Not default", visibility: "open" });
  t.is((await owner.client.post(`${other.url}/settings`, { name: "Not default", visibility: "open", isDefault: "1" })).status, 302);
  const { Group } = await import("../models/group.ts");
  t.false((await Group.findByPk(other.id))!.isDefault, "only instance admins choose default groups");
  const newcomer = await register("joiner@example.org");
  const guest = await app.createUser({ role: "guest" });
  const { User } = await import("../../../core/models/user.ts");
  await app.app.registry.hooks.emit("user.created", { user: (await User.findByPk(guest.userId))! });
  t.is((await membershipOf(group.id, newcomer))?.role, "member");
  t.is(await membershipOf(group.id, guest.userId), null);
  t.is(await membershipOf(other.id, newcomer), null);
});

test("sharing into another group is a reference: readers of the original see it, others see 'not available'", async (t) => {
  const author = await app.signedIn("member");
  const secretGroup = await createGroup(author.client, { name: "Inner circle", visibility: "private" });
  const openGroup = await createGroup(author.client, { name: "Town square", visibility: "open" });
  const postId = await publish(author.client, { target: `group:${secretGroup.id}`, body: "Confidential roadmap" });
  const reader = await app.signedIn("member");
  await reader.client.post(`${openGroup.url}/join`);

  t.true((await author.client.get(secretGroup.url)).text.includes(`href="/groups/share/${postId}"`), "a share link under the post");
  const form = await author.client.get(`/groups/share/${postId}`);
  t.is(form.status, 200);
  t.true(form.text.includes("Town square"));
  t.false(/<option value="\d+">Inner circle<\/option>/.test(form.text), "not into its own group");
  t.is((await reader.client.get(`/groups/share/${postId}`)).status, 404, "only readers of the original share it");
  t.is((await author.client.post(`/groups/share/${postId}`, { target: String(secretGroup.id + 1000) })).status, 403);
  t.is((await author.client.post(`/groups/share/${postId}`, { target: String(openGroup.id) })).status, 302);

  const { Content } = await import("../../../core/models/content.ts");
  const share = (await Content.findOne({ where: { type: "share", refId: postId } }))!;
  t.is(share.streamKey, `group:${openGroup.id}`);
  t.true((await author.client.get(openGroup.url)).text.includes("Confidential roadmap"), "a member of both sees the original");
  const forReader = await reader.client.get(openGroup.url);
  t.false(forReader.text.includes("Confidential roadmap"), "the original does not leak");
  t.regex(forReader.text, /not available to you/);

  const publicPost = await publish(author.client, { target: `group:${openGroup.id}`, body: "Open news" });
  const third = await createGroup(reader.client, { name: "Reader corner", visibility: "open" });
  t.is((await reader.client.post(`/groups/share/${publicPost}`, { target: String(third.id) })).status, 302);
  t.true((await reader.client.get(third.url)).text.includes("Open news"));
  await addMember(third.id, author.userId);
  t.is((await author.client.post(`/c/${publicPost}/delete`)).status, 302);
  t.regex((await reader.client.get(third.url)).text, /not available to you/, "a deleted original is gone from its shares");
});

test("the members page: managers first, then members by name, page by page, with search", async (t) => {
  const owner = await app.signedIn("member", { displayName: "Zoe Owner" });
  const group = await createGroup(owner.client, { name: "Crowd", visibility: "open" });
  for (let index = 0; index < 55; index += 1) {
    const { userId } = await app.createUser({ displayName: `Crowd Member ${String(index).padStart(2, "0")}` });
    await addMember(group.id, userId, index === 0 ? "moderator" : "member");
  }
  const names = (html: string) => [...html.matchAll(/<a href="\/u\/[^"]+">(Crowd Member \d+|Zoe Owner)<\/a>/g)].map((match) => match[1]);
  const first = await owner.client.get(`${group.url}/members`);
  const firstNames = names(first.text);
  t.deepEqual(firstNames.slice(0, 2), ["Zoe Owner", "Crowd Member 00"], "owner, then the moderator");
  t.is(firstNames.length, 52);
  const next = /<a class="button" href="([^"]+)">More members<\/a>/.exec(first.text)?.[1].replace(/&amp;/g, "&");
  t.truthy(next);
  const secondNames = names((await owner.client.get(next!)).text);
  t.is(secondNames.length, 4);
  t.is(new Set([...firstNames, ...secondNames]).size, 56, "nobody twice, nobody missed");
  t.deepEqual(names((await owner.client.get(`${group.url}/members?q=member%2007`)).text), ["Crowd Member 07"]);
  t.is((await owner.client.get(`${group.url}/members?after=nonsense`)).status, 400);
});
