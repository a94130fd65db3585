import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
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
  ...(await import("../../modules/groups/models/group.ts")),
  ...(await import("../../modules/groups/models/request.ts")),
  ...(await import("../../modules/groups/models/membership.ts")),
  ...(await import("../../modules/groups/models/invitation.ts")),
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
