import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { User } from "../../../core/sdk/index.ts";
import { createGroup, type CreatedGroup } from "./helpers.ts";

// Directory group mapping without a directory: the "ldap.memberships" hook is emitted here directly, as
// core does at each directory login and sync (test/ldap/group-mapping.test.ts goes through the real slapd).

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const groupsDn = "ou=groups,dc=agora,dc=test";
const engineering = `cn=engineering,${groupsDn}`;
const leads = `cn=leads,${groupsDn}`;

async function models() {
  const { GroupMembership } = await import("../models/membership.ts");
  const { Group } = await import("../models/group.ts");
  const { GroupDirectoryMapping } = await import("../models/directory-mapping.ts");
  return { GroupMembership, Group, GroupDirectoryMapping };
}

const membershipOf = async (groupId: number, userId: number) => (await models()).GroupMembership.findOne({ where: { groupId, userId } });
const memberCount = async (groupId: number) => (await (await models()).Group.findByPk(groupId))!.memberCount;

async function announce(userId: number, groupDns: string[], via: "login" | "sync" = "login") {
  const user = (await User.findByPk(userId))!;
  await app.app.registry.hooks.emit("ldap.memberships", { user, groupDns, via });
}

async function mapped(group: CreatedGroup, groupDn: string, role: "member" | "moderator" | "admin") {
  const { GroupDirectoryMapping } = await models();
  await GroupDirectoryMapping.create({ groupDn, groupId: group.id, role });
}

test.serial("an admin maps a directory group on /admin/groups/directory; bad input is a 422 and nothing is saved", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Platform", visibility: "private" });
  const admin = await app.signedIn("admin");
  const { GroupDirectoryMapping } = await models();
  const before = await GroupDirectoryMapping.count();

  t.is((await admin.client.get("/admin/groups/directory")).status, 200);
  for (const [fields, message] of [
    [{ groupDn: "not a dn", group: group.slug, role: "member" }, /not a valid directory name/],
    [{ groupDn: engineering, group: "no-such-group", role: "member" }, /No group has this address name/],
    [{ groupDn: engineering, group: group.slug, role: "owner" }, /Choose member, moderator or admin/],
    [{ groupDn: "", group: group.slug, role: "member" }, /This field is required/],
  ] as const) {
    const response = await admin.client.post("/admin/groups/directory", fields);
    t.is(response.status, 422, JSON.stringify(fields));
    t.regex(response.text, message);
  }
  t.is(await GroupDirectoryMapping.count(), before, "nothing saved");

  const created = await admin.client.post("/admin/groups/directory", { groupDn: "CN=Platform Team, OU=Groups,DC=agora,DC=test", group: group.slug, role: "moderator" });
  t.is(created.status, 302);
  const mapping = await GroupDirectoryMapping.findOne({ where: { groupId: group.id } });
  t.is(mapping?.groupDn, `cn=platform team,${groupsDn}`, "stored in normal form");
  t.is(mapping?.role, "moderator");
  const duplicate = await admin.client.post("/admin/groups/directory", { groupDn: `cn=platform team,${groupsDn}`, group: group.slug, role: "member" });
  t.is(duplicate.status, 422);
  t.regex(duplicate.text, /already mapped/);
  const page = await admin.client.get("/admin/groups/directory");
  t.true(page.text.includes(`cn=platform team,${groupsDn}`));
  t.true(page.text.includes("Platform"));

  t.is((await admin.client.post(`/admin/groups/directory/${mapping!.id}/delete`)).status, 302);
  t.is(await GroupDirectoryMapping.findByPk(mapping!.id), null);
  t.is((await admin.client.post("/admin/groups/directory/999999/delete")).status, 404);
});

test.serial("members and group owners who are not instance admins get 403", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Forbidden fruit", visibility: "open" });
  t.is((await owner.client.get("/admin/groups/directory")).status, 403);
  t.is((await owner.client.post("/admin/groups/directory", { groupDn: engineering, group: group.slug, role: "admin" })).status, 403);
  const { GroupDirectoryMapping } = await models();
  t.is(await GroupDirectoryMapping.count({ where: { groupId: group.id } }), 0);
});

test.serial("a mapped directory group adds the member with the mapped role; removed when the DN disappears; idempotent", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Engineering", visibility: "secret" });
  const other = await createGroup(owner.client, { name: "Tech leads", visibility: "private" });
  await mapped(group, engineering, "member");
  await mapped(other, leads, "moderator");
  const { userId } = await app.createUser();

  await announce(userId, [engineering, leads, `cn=unmapped,${groupsDn}`]);
  t.like((await membershipOf(group.id, userId))?.get(), { role: "member", source: "directory" });
  t.like((await membershipOf(other.id, userId))?.get(), { role: "moderator", source: "directory" });
  t.is(await memberCount(group.id), 2);

  await announce(userId, [engineering, leads], "sync");
  t.is(await memberCount(group.id), 2, "a second run changes nothing");

  await announce(userId, [leads]);
  t.is(await membershipOf(group.id, userId), null, "left the directory group, left the group");
  t.is(await memberCount(group.id), 1);
  t.is((await membershipOf(other.id, userId))?.role, "moderator");

  await announce(userId, [], "sync");
  t.is(await membershipOf(other.id, userId), null, "an empty list takes every mapped membership away");
  t.is((await membershipOf(group.id, owner.userId))?.role, "owner", "the owner stays");
});

test.serial("a manual membership is kept when the directory drops the person; the higher role wins and it stays manual", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Design guild", visibility: "open" });
  await mapped(group, engineering, "moderator");
  const member = await app.signedIn("member");
  t.is((await member.client.post(`${group.url}/join`)).status, 302);

  await announce(member.userId, [engineering]);
  t.like((await membershipOf(group.id, member.userId))?.get(), { role: "moderator", source: "manual" }, "raised to the mapped role, still manual");
  await announce(member.userId, []);
  t.like((await membershipOf(group.id, member.userId))?.get(), { role: "moderator", source: "manual" }, "a manual membership is never removed");
  t.is(await memberCount(group.id), 2);

  // The owner is in the directory group too: an owner is never lowered by a mapping.
  await announce(owner.userId, [engineering]);
  t.like((await membershipOf(group.id, owner.userId))?.get(), { role: "owner", source: "manual" });
});

test.serial("a mapped membership cannot be left, re-roled or removed by hand; the page says it comes from the directory", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Operations", visibility: "open" });
  await mapped(group, engineering, "member");
  const member = await app.signedIn("member");
  await announce(member.userId, [engineering]);

  const leave = await member.client.post(`${group.url}/leave`);
  t.is(leave.status, 409);
  t.regex(leave.text, /comes from the company directory: you cannot leave the group here/);
  t.truthy(await membershipOf(group.id, member.userId));

  const role = await owner.client.post(`${group.url}/members/${member.userId}/role`, { role: "admin" });
  t.is(role.status, 409);
  t.regex(role.text, /its role is set by the directory mapping/);
  t.is((await owner.client.post(`${group.url}/members/${member.userId}/remove`)).status, 409);
  t.like((await membershipOf(group.id, member.userId))?.get(), { role: "member", source: "directory" });

  const members = await owner.client.get(`${group.url}/members`);
  t.regex(members.text, /data-member="\d+"[\s\S]*from the directory/);
  t.false(members.text.includes(`/members/${member.userId}/role"`), "no role control for a mapped member");
  t.regex((await member.client.get(group.url)).text, /comes from the company directory/);
  t.notRegex((await member.client.get(group.url)).text, /action="\/g\/operations\/leave"/);
});
