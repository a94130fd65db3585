import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { publish } from "../../../test/helpers/content.ts";
import { addMember, createGroup, type CreatedGroup } from "./helpers.ts";

// Group roles × actions: who may change settings, roles and content, and the rules that keep a group whole.
let app: TestApp;
let owner: { client: Client; userId: number };
const people = {} as Record<"admin" | "moderator" | "member", { client: Client; userId: number }>;
let group: CreatedGroup;

test.before(async () => {
  app = await startApp();
  owner = await app.signedIn("member");
  group = await createGroup(owner.client, { name: "Roles lab", visibility: "private" });
  for (const role of ["admin", "moderator", "member"] as const) {
    people[role] = await app.signedIn("member");
    await addMember(group.id, people[role].userId, role);
  }
});
test.after.always(() => app?.close());

const managerPages = ["/settings", "/modules", "/permissions"];

for (const role of ["moderator", "member"] as const) {
  test.serial(`a ${role} cannot change settings, modules, permissions or roles`, async (t) => {
    const { client } = people[role];
    for (const page of managerPages) t.is((await client.get(`${group.url}${page}`)).status, 403, page);
    t.is((await client.get(`${group.url}/delete`)).status, 403);
    t.is((await client.post(`${group.url}/settings`, { name: "Hijacked", visibility: "open" })).status, 403);
    t.is((await client.post(`${group.url}/permissions`, { "p.groups.post": "member" })).status, 403);
    t.is((await client.post(`${group.url}/members/${people.member.userId}/role`, { role: "admin" })).status, 403);
    t.is((await client.post(`${group.url}/members/${people.admin.userId}/remove`)).status, 403);
    t.is((await client.post(`${group.url}/archive`)).status, 403);
    t.is((await client.post(`${group.url}/delete`, { confirm: group.slug })).status, 403);
    const { Group } = await import("../models/group.ts");
    const stored = (await Group.findByPk(group.id))!;
    t.is(stored.name, "Roles lab");
    t.is(stored.visibility, "private");
    t.false(stored.isArchived);
    const page = await client.get(group.url);
    t.false(page.text.includes(`${group.url}/settings"`), "no settings tab");
  });
}

test.serial("a moderator can delete a member's post but not change roles", async (t) => {
  const postId = await publish(people.member.client, { target: `group:${group.id}`, body: "Off-topic rant" });
  t.is((await people.member.client.post(`/c/${postId}/delete`)).status, 302, "authors delete their own");
  const second = await publish(people.member.client, { target: `group:${group.id}`, body: "Another rant" });
  t.is((await people.admin.client.get(`/c/${second}`)).status, 200);
  t.is((await people.moderator.client.post(`/c/${second}/delete`)).status, 302, "the moderator deletes it");
  t.is((await people.member.client.get(group.url)).text.includes("Another rant"), false);
  const third = await publish(people.moderator.client, { target: `group:${group.id}`, body: "Moderator post" });
  t.is((await people.member.client.post(`/c/${third}/delete`)).status, 403, "a member may not delete others' posts");
  t.is((await people.moderator.client.post(`${group.url}/members/${people.member.userId}/role`, { role: "moderator" })).status, 403);

  const hidden = await publish(people.member.client, { target: `group:${group.id}`, body: "Hide me please" });
  t.is((await people.admin.client.get(group.url)).text.includes("Hide me please"), true);
  t.is((await people.member.client.post(`/c/${third}/hide`)).status, 403, "members do not hide");
  t.is((await people.moderator.client.post(`/c/${hidden}/hide`)).status, 302, "the moderator hides it");
  t.false((await people.member.client.get(group.url)).text.includes("Hide me please"));
  t.is((await people.member.client.get(`/c/${hidden}`)).status, 404, "hidden from its author too");
});

test.serial("an admin manages roles, but only owners make owners", async (t) => {
  const { client } = people.admin;
  t.is((await client.get(`${group.url}/settings`)).status, 200);
  t.is((await client.post(`${group.url}/members/${people.member.userId}/role`, { role: "moderator" })).status, 302);
  const { GroupMembership } = await import("../models/membership.ts");
  t.is((await GroupMembership.findOne({ where: { groupId: group.id, userId: people.member.userId } }))!.role, "moderator");
  t.is((await client.post(`${group.url}/members/${people.member.userId}/role`, { role: "owner" })).status, 403, "admins do not make owners");
  t.is((await client.post(`${group.url}/members/${owner.userId}/role`, { role: "member" })).status, 403, "admins do not demote owners");
  t.is((await client.post(`${group.url}/members/${owner.userId}/remove`)).status, 403, "admins do not remove owners");
  t.is((await client.post(`${group.url}/members/${people.member.userId}/role`, { role: "emperor" })).status, 422);
  t.is((await client.post(`${group.url}/members/${people.member.userId}/role`, { role: "member" })).status, 302);
  t.is((await client.get(`${group.url}/delete`)).status, 403, "only owners delete");
});

test.serial("the last owner can neither leave nor be demoted; with a second owner they can", async (t) => {
  const { GroupMembership } = await import("../models/membership.ts");
  t.is((await owner.client.post(`${group.url}/leave`)).status, 409);
  t.is((await owner.client.post(`${group.url}/members/${owner.userId}/role`, { role: "admin" })).status, 409);
  t.is((await owner.client.post(`${group.url}/members/${owner.userId}/remove`)).status, 409);
  t.is((await GroupMembership.findOne({ where: { groupId: group.id, userId: owner.userId } }))!.role, "owner");

  t.is((await owner.client.post(`${group.url}/members/${people.admin.userId}/role`, { role: "owner" })).status, 302);
  t.is((await owner.client.post(`${group.url}/members/${owner.userId}/role`, { role: "admin" })).status, 302, "no longer the last owner");
  t.is((await people.admin.client.post(`${group.url}/leave`)).status, 409, "the new owner is now the last one");
  t.is((await people.admin.client.post(`${group.url}/members/${owner.userId}/role`, { role: "owner" })).status, 302);
  t.is((await people.admin.client.post(`${group.url}/leave`)).status, 302);
  t.is(await GroupMembership.count({ where: { groupId: group.id, role: "owner" } }), 1);
});

test.serial("an archived group refuses new posts and joins, and is restorable", async (t) => {
  t.is((await owner.client.post(`${group.url}/archive`)).status, 302);
  const refused = await people.member.client.post("/posts", { target: `group:${group.id}`, body: "Anyone here?" });
  t.is(refused.status, 403);
  t.false((await people.member.client.get(group.url)).text.includes('<form class="composer card"'), "no composer");
  t.regex((await people.member.client.get(group.url)).text, /archived/i);
  const outsider = await app.signedIn("member");
  t.false((await outsider.client.get("/groups")).text.includes(`data-group="${group.slug}"`), "hidden from the directory");
  t.true((await outsider.client.get("/groups?archived=1")).text.includes(`data-group="${group.slug}"`), "listed under archived");
  t.is((await owner.client.post(`${group.url}/restore`)).status, 302);
  t.is((await people.member.client.post("/posts", { target: `group:${group.id}`, body: "We are back" })).status, 302);
});

test.serial("deleting asks for the address, then removes the group and its content in one go", async (t) => {
  const { Content } = await import("../../../core/models/content.ts");
  const { Post } = await import("../../../core/models/post.ts");
  const { Group } = await import("../models/group.ts");
  const { GroupMembership } = await import("../models/membership.ts");
  const doomed = await createGroup(owner.client, { name: "Doomed", visibility: "open" });
  await addMember(doomed.id, people.member.userId);
  const postId = await publish(people.member.client, { target: `group:${doomed.id}`, body: "Soon gone" });
  const postRowId = (await Content.findByPk(postId))!.refId!;
  t.truthy(await Post.findByPk(postRowId));
  t.is((await owner.client.post(`${doomed.url}/delete`, { confirm: "wrong" })).status, 422);
  t.truthy(await Group.findByPk(doomed.id));
  const deleted = await owner.client.post(`${doomed.url}/delete`, { confirm: doomed.slug });
  t.is(deleted.status, 302);
  t.is(deleted.location, "/groups");
  t.is(await Group.findByPk(doomed.id), null);
  t.is(await Content.findByPk(postId), null);
  t.is(await Post.findByPk(postRowId), null, "the post's text goes with it");
  t.is(await GroupMembership.count({ where: { groupId: doomed.id } }), 0);
  t.is((await owner.client.get(doomed.url)).status, 404);
});

test.serial("settings: a taken address or bad input comes back with the error and changes nothing", async (t) => {
  const other = await createGroup(owner.client, { name: "Other team", visibility: "open" });
  const taken = await owner.client.post(`${group.url}/settings`, { name: "Roles lab", slug: other.slug, visibility: "private" });
  t.is(taken.status, 422);
  t.regex(taken.text, /This address is not available/);
  t.is((await owner.client.post(`${group.url}/settings`, { name: "R", visibility: "private" })).status, 422);
  t.is((await owner.client.post(`${group.url}/settings`, { name: "Roles lab", visibility: "public" })).status, 422);
  const saved = await owner.client.post(`${group.url}/settings`, { name: "Roles laboratory", visibility: "private", description: "We test **roles**", tags: "Lean, Six-Sigma" });
  t.is(saved.status, 302);
  const about = await owner.client.get(`${group.url}/about`);
  t.true(about.text.includes("<strong>roles</strong>"));
  t.true(about.text.includes(">lean<"));
});

test.serial("cover and icon: images only, re-encoded, shown to whoever may see the group", async (t) => {
  const sharp = (await import("sharp")).default;
  const png = await sharp({ create: { width: 600, height: 400, channels: 3, background: "#3366cc" } }).png().toBuffer();
  const upload = (client: Client, kind: string, bytes: Buffer, name: string) => {
    const form = new FormData();
    form.append("image", new Blob([new Uint8Array(bytes)]), name);
    return client.request("POST", `${group.url}/settings/${kind}?_csrf=${client.csrfToken}`, { body: form });
  };
  await people.member.client.get(group.url);
  t.is((await upload(people.member.client, "cover", png, "cover.png")).status, 403);
  await owner.client.get(group.url);
  t.is((await upload(owner.client, "cover", Buffer.from("<html><script>alert(1)</script></html>"), "evil.png")).status, 422);
  t.is((await upload(owner.client, "cover", png, "cover.png")).status, 302);
  t.is((await upload(owner.client, "icon", png, "icon.png")).status, 302);
  const cover = await people.member.client.get(`${group.url}/cover`);
  t.is(cover.status, 200);
  t.is(cover.headers.get("content-type"), "image/webp");
  const page = (await people.member.client.get(group.url)).text;
  t.regex(page, /class="group-cover" src="\/g\/[a-z0-9-]+\/cover\?v=[a-f0-9]+"/);
  const outsider = await app.signedIn("member");
  t.is((await outsider.client.get(`${group.url}/icon`)).status, 200, "a private group's icon shows in the directory");
  const guest = await app.signedIn("guest");
  t.is((await guest.client.get(`${group.url}/icon`)).status, 404);
  t.is((await owner.client.post(`${group.url}/settings/cover/remove`)).status, 302);
  t.is((await people.member.client.get(`${group.url}/cover`)).status, 404);
});
