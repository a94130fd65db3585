import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { createGroup } from "./helpers.ts";

// "Only one may": several requests at once on one proposal, link, request or invitation have one effect.
let app: TestApp;
let admin: Client;
test.before(async () => {
  app = await startApp();
  admin = (await app.signedIn("admin")).client;
});
test.after.always(() => app?.close());

const models = async () => ({
  ...(await import("../models/group.ts")),
  ...(await import("../models/request.ts")),
  ...(await import("../models/membership.ts")),
  ...(await import("../models/invitation.ts")),
});

const statuses = (responses: { status: number }[]) => responses.map((response) => response.status).sort();

test.serial("a group request approved three times at once makes one group", async (t) => {
  const { Group, GroupProposal, GroupMembership } = await models();
  const requester = await app.signedIn("member");
  await admin.post("/admin/groups/settings", { creationPolicy: "admins" });
  t.is((await requester.client.post("/groups/proposals", { name: "Triple approval", visibility: "open", reason: "" })).status, 302);
  const proposal = (await GroupProposal.findOne({ where: { name: "Triple approval" } }))!;
  const admins = [admin, (await app.signedIn("admin")).client, (await app.signedIn("admin")).client];
  const responses = await Promise.all(admins.map((client) => client.post(`/admin/groups/proposals/${proposal.id}/approve`)));
  t.is(responses.filter((response) => response.status === 302).length, 1, `one approval goes through: ${statuses(responses)}`);
  t.true(responses.every((response) => [302, 404, 409].includes(response.status)), `the others are told: ${statuses(responses)}`);
  const groups = await Group.findAll({ where: { name: "Triple approval" } });
  t.is(groups.length, 1, "exactly one group");
  t.is(await GroupMembership.count({ where: { groupId: groups[0].id } }), 1, "its requester, once");
  t.is(await GroupProposal.count({ where: { id: proposal.id } }), 0);
  const late = await admin.post(`/admin/groups/proposals/${proposal.id}/approve`);
  t.is(late.status, 404);
  t.regex(late.text, /already decided/);
  await admin.post("/admin/groups/settings", { creationPolicy: "everyone" });
});

test.serial("a request approved and declined at once is decided once", async (t) => {
  const { Group, GroupProposal } = await models();
  const requester = await app.signedIn("member");
  await admin.post("/admin/groups/settings", { creationPolicy: "admins" });
  await requester.client.post("/groups/proposals", { name: "Split decision", visibility: "private", reason: "" });
  const proposal = (await GroupProposal.findOne({ where: { name: "Split decision" } }))!;
  const other = (await app.signedIn("admin")).client;
  const responses = await Promise.all([admin.post(`/admin/groups/proposals/${proposal.id}/approve`), other.post(`/admin/groups/proposals/${proposal.id}/decline`), admin.post(`/admin/groups/proposals/${proposal.id}/approve`)]);
  t.is(responses.filter((response) => response.status === 302).length, 1, `one decision: ${statuses(responses)}`);
  t.true((await Group.count({ where: { name: "Split decision" } })) <= 1);
  t.is(await GroupProposal.count({ where: { id: proposal.id } }), 0);
  await admin.post("/admin/groups/settings", { creationPolicy: "everyone" });
});

test.serial("a single-use invitation link used by three accounts at once lets one join", async (t) => {
  const { GroupMembership, GroupInvitation } = await models();
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "One seat", visibility: "secret" });
  await owner.client.post(`${group.url}/invitations`, { people: "seat@example.org" });
  const token = /\/groups\/invitations\/([A-Za-z0-9_-]{43})/.exec((await owner.client.get(`${group.url}/members`)).text)![1];
  const people = await Promise.all([app.signedIn("member"), app.signedIn("member"), app.signedIn("guest")]);
  const responses = await Promise.all(people.map((person) => person.client.post(`/groups/invitations/${token}`)));
  t.is(responses.filter((response) => response.status === 302).length, 1, `one joins: ${statuses(responses)}`);
  t.true(responses.every((response) => [302, 404].includes(response.status)), `the others are told the link is spent: ${statuses(responses)}`);
  t.is(await GroupMembership.count({ where: { groupId: group.id, userId: people.map((person) => person.userId) } }), 1, "exactly one of them is a member");
  t.is(await GroupInvitation.count({ where: { groupId: group.id } }), 0, "the link is spent");
});

test.serial("an invitation accepted three times at once adds one membership and one 'joined' event", async (t) => {
  const { GroupMembership } = await models();
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Triple accept", visibility: "private" });
  const invitee = await app.signedIn("member");
  const { usernameOf } = await import("../../../test/helpers/content.ts");
  await owner.client.post(`${group.url}/invitations`, { people: await usernameOf(invitee.userId) });
  await invitee.client.get(group.url);
  const joined: number[] = [];
  const listener = ({ userId }: { userId: number }) => void joined.push(userId);
  app.app.registry.hooks.on("core", "groups.member.joined" as never, listener as never);
  const responses = await Promise.all([1, 2, 3].map(() => invitee.client.post(`${group.url}/invitation/accept`)));
  t.is(responses.filter((response) => response.status === 302).length, 1, `one accept: ${statuses(responses)}`);
  t.true(responses.every((response) => [302, 404].includes(response.status)), statuses(responses).join());
  t.is(await GroupMembership.count({ where: { groupId: group.id, userId: invitee.userId } }), 1);
  t.deepEqual(joined, [invitee.userId], "the others announce nothing");
});

test.serial("a join request approved by three admins at once is decided once", async (t) => {
  const { GroupMembership, GroupRequest } = await models();
  const { AuditEntry } = await import("../../../core/models/audit-entry.ts");
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Busy gate", visibility: "private" });
  const managers = [owner, await app.signedIn("member"), await app.signedIn("member")];
  const { addMember } = await import("./helpers.ts");
  for (const manager of managers.slice(1)) await addMember(group.id, manager.userId, "admin");
  const requester = await app.signedIn("member");
  await requester.client.post(`${group.url}/request`, { message: "" });
  const request = (await GroupRequest.findOne({ where: { groupId: group.id, userId: requester.userId } }))!;
  const responses = await Promise.all(managers.map((manager, index) => manager.client.post(`${group.url}/requests/${request.id}/${index === 1 ? "decline" : "approve"}`)));
  t.is(responses.filter((response) => response.status === 302).length, 1, `one decision: ${statuses(responses)}`);
  t.true(responses.every((response) => [302, 404].includes(response.status)), statuses(responses).join());
  t.is(await AuditEntry.count({ where: { action: ["group.request.approved", "group.request.declined"], subjectId: String(group.id) } }), 1, "one decision recorded");
  t.is(await GroupRequest.count({ where: { id: request.id } }), 0);
  t.true((await GroupMembership.count({ where: { groupId: group.id, userId: requester.userId } })) <= 1);
});

test.serial("the two owners of a group leaving at once: one leaves, the group keeps an owner", async (t) => {
  const { GroupMembership } = await models();
  const first = await app.signedIn("member");
  const group = await createGroup(first.client, { name: "Two captains", visibility: "open" });
  const second = await app.signedIn("member");
  const { addMember } = await import("./helpers.ts");
  await addMember(group.id, second.userId, "owner");
  await second.client.get(group.url);
  const responses = await Promise.all([first.client.post(`${group.url}/leave`), second.client.post(`${group.url}/leave`)]);
  t.is(statuses(responses).join(), "302,409", "one leaves, the last owner is refused");
  t.is(await GroupMembership.count({ where: { groupId: group.id, role: "owner" } }), 1);
});

test.serial("asking to join three times at once makes one request and notifies the admins once", async (t) => {
  const { GroupRequest } = await models();
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Knock knock", visibility: "private" });
  const asker = await app.signedIn("member");
  await asker.client.get(group.url);
  const requested: number[] = [];
  app.app.registry.hooks.on("core", "groups.requested" as never, (({ userId }: { userId: number }) => void requested.push(userId)) as never);
  const responses = await Promise.all([1, 2, 3].map(() => asker.client.post(`${group.url}/request`, { message: "Let me in" })));
  t.is(responses.filter((response) => response.status === 302).length >= 1 && responses.every((response) => [302, 403].includes(response.status)), true, `no error but "already asked": ${statuses(responses)}`);
  t.is(await GroupRequest.count({ where: { groupId: group.id, userId: asker.userId } }), 1);
  t.deepEqual(requested, [asker.userId], "one 'requested' event, so one notification");
});

test.serial("two admins inviting one person at once make one invitation, and neither gets an error", async (t) => {
  const { GroupInvitation } = await models();
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Double invite", visibility: "private" });
  const coAdmin = await app.signedIn("member");
  const { addMember } = await import("./helpers.ts");
  await addMember(group.id, coAdmin.userId, "admin");
  const invitee = await app.createUser();
  const { usernameOf } = await import("../../../test/helpers/content.ts");
  const name = await usernameOf(invitee.userId);
  await coAdmin.client.get(group.url);
  const responses = await Promise.all([owner, coAdmin, owner].map((manager) => manager.client.post(`${group.url}/invitations`, { people: name })));
  t.deepEqual(statuses(responses), [302, 302, 302]);
  t.is(await GroupInvitation.count({ where: { groupId: group.id, userId: invitee.userId } }), 1);
});
