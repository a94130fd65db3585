import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { addMember, createGroup, type CreatedGroup } from "./helpers.ts";

// Per-group modules (fixture-group-notes) and the permission matrix.
let app: TestApp;
let siteAdmin: Client;
let owner: Client;
let member: Client;
let group: CreatedGroup;
let other: CreatedGroup;
const notes = (slug: string) => `/g/${slug}/fixture-group-notes`;

test.before(async () => {
  app = await startApp();
  siteAdmin = (await app.signedIn("admin")).client;
  owner = (await app.signedIn("member")).client;
  const memberAccount = await app.signedIn("member");
  member = memberAccount.client;
  group = await createGroup(owner, { name: "Module garden", visibility: "private" });
  other = await createGroup(owner, { name: "Other garden", visibility: "open" });
  await addMember(group.id, memberAccount.userId);
});
test.after.always(() => app?.close());

const stateIn = (page: string, id: string) => new RegExp(`data-module="${id}" data-state="([a-z]+)"`).exec(page)?.[1];

test.serial("a module off for the site is 'not available' in the group and cannot be switched on", async (t) => {
  const page = await owner.get(`${group.url}/modules`);
  t.is(stateIn(page.text, "fixture-group-notes"), "unavailable");
  t.is(stateIn(page.text, "fixture-notes"), undefined, "instance-only modules are not offered to groups");
  t.is((await owner.post(`${group.url}/modules/fixture-group-notes`, { state: "enabled" })).status, 409);
  t.is((await member.get(notes(group.slug))).status, 404);
});

test.serial("the group's admins switch it on: menu entry and routes appear in this group only", async (t) => {
  t.is((await siteAdmin.post("/admin/modules/fixture-group-notes/enable", { state: "enabled" })).status, 302);
  t.is(stateIn((await owner.get(`${group.url}/modules`)).text, "fixture-group-notes"), "disabled");
  t.is((await member.get(notes(group.slug))).status, 404, "on for the site, not chosen by the group yet");
  t.is((await member.post(`${group.url}/modules/fixture-group-notes`, { state: "enabled" })).status, 403, "members do not choose");
  t.is((await owner.post(`${group.url}/modules/fixture-group-notes`, { state: "sideways" })).status, 422);
  t.is((await owner.post(`${group.url}/modules/fixture-group-notes`, { state: "enabled" })).status, 302);
  t.is((await member.get(notes(group.slug))).status, 200);
  t.regex((await member.get(group.url)).text, new RegExp(`<a href="${notes(group.slug)}">Notes</a>`), "menu entry in the group's tabs");
  t.is((await member.get(notes(other.slug))).status, 404, "not in another group");
  t.notRegex((await owner.get(other.url)).text, /fixture-group-notes/);
  const outsider = await app.signedIn("member");
  t.is((await outsider.client.get(notes(group.slug))).status, 404, "a private group's module pages stay closed to outsiders");
});

test.serial("the permission matrix lists module permissions and core's checks follow it", async (t) => {
  t.is((await member.post(notes(group.slug), { body: "from a member" })).status, 403, "default: owners and admins write");
  t.is((await owner.post(notes(group.slug), { body: "from the owner" })).status, 302);
  const matrix = await owner.get(`${group.url}/permissions`);
  t.regex(matrix.text, /data-permission="fixture-group-notes.write"/);
  t.regex(matrix.text, /data-permission="groups.post"/);
  t.notRegex((await owner.get(`${other.url}/permissions`)).text, /fixture-group-notes.write/, "only modules on in that group");

  const grant = await owner.post(`${group.url}/permissions`, {
    "p.fixture-group-notes.write": ["admin", "member"],
    "p.groups.post": ["owner", "admin"],
    "p.groups.invite": ["admin"],
  });
  t.is(grant.status, 302);
  t.is((await member.post(notes(group.slug), { body: "now allowed" })).status, 302);
  t.regex((await member.get(notes(group.slug))).text, /now allowed/);
  t.regex((await member.get(group.url)).text, /class="fixture-group-note">now allowed</, "the module's entry in the group stream");
  t.is((await member.post("/posts", { target: `group:${group.id}`, body: "members no longer post" })).status, 403, "groups.post taken from members");
  t.false((await member.get(group.url)).text.includes('<form class="composer card"'));
  t.true((await owner.get(group.url)).text.includes('<form class="composer card"'), "the composer follows the same rule");
  t.is((await owner.post("/posts", { target: `group:${group.id}`, body: "owners always post" })).status, 302);

  t.is((await owner.post(`${group.url}/permissions`, { "p.fixture-group-notes.write": ["owner", "admin"], "p.groups.post": ["admin", "moderator", "member"], "p.groups.invite": ["admin"] })).status, 302);
  const { GroupPermission } = await import("../models/settings.ts");
  t.deepEqual((await GroupPermission.findAll({ where: { groupId: group.id } })).map((row) => row.permissionId).sort(), [], "back to the defaults: no rows kept");
  t.is((await member.post(notes(group.slug), { body: "refused again" })).status, 403);
});

test.serial("switching it off in the group removes its menu entry, its routes answer 404 and its clean-up runs", async (t) => {
  const { notesByGroup } = await import("../../../test/fixtures/modules/fixture-group-notes/index.ts");
  t.true((notesByGroup.get(group.id) ?? []).length > 0);
  t.is((await owner.post(`${group.url}/modules/fixture-group-notes`, { state: "disabled" })).status, 302);
  t.is((await member.get(notes(group.slug))).status, 404);
  t.is((await member.post(notes(group.slug), { body: "too late" })).status, 404);
  t.notRegex((await member.get(group.url)).text, /fixture-group-notes/);
  t.notRegex((await member.get(group.url)).text, /now allowed/, "and its stream entries");
  t.is(notesByGroup.get(group.id), undefined, "onDisable.group ran for this group");
});

test.serial("forced on by the site admin, it is on in every group and groups cannot switch it off", async (t) => {
  t.is((await siteAdmin.post("/admin/modules/fixture-group-notes/enable", { state: "forced" })).status, 302);
  t.is((await owner.get(notes(other.slug))).status, 200);
  t.is(stateIn((await owner.get(`${other.url}/modules`)).text, "fixture-group-notes"), "forced");
  t.is((await owner.post(`${other.url}/modules/fixture-group-notes`, { state: "disabled" })).status, 409);
  t.is((await siteAdmin.post("/admin/modules/fixture-group-notes/disable")).status, 302);
  t.is((await owner.get(notes(other.slug))).status, 404);
});
