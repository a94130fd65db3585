import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { usernameOf } from "../helpers/content.ts";
import { addMember, createGroup, type CreatedGroup } from "../../modules/groups/test/helpers.ts";
import { notificationsOf, queueDrained } from "../notifications/helpers.ts";

// The content API (host.content, core/content/writer.ts), through a module that writes its content with it:
// test/fixtures/modules/fixture-group-notes (its own create permission, default owners and admins).
let app: TestApp;
let owner: { client: Client; userId: number };
let member: { client: Client; userId: number };
let outsider: { client: Client; userId: number };
let group: CreatedGroup;
const notesUrl = () => `${group.url}/fixture-group-notes`;

test.before(async () => {
  app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
  const admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "fixture-group-notes"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  owner = await app.signedIn("member", { displayName: "Nora Notes" });
  member = await app.signedIn("member", { displayName: "Mats Member" });
  outsider = await app.signedIn("member", { displayName: "Olaf Outsider" });
  group = await createGroup(owner.client, { name: "Notes hangar", visibility: "secret" });
  await addMember(group.id, member.userId);
  await app.app.registry.setContainerState("fixture-group-notes", { type: "group", id: group.id, slug: group.slug, name: "" }, "enabled");
});
test.after.always(() => app?.close());

const contentsOf = async (type: string) => {
  const { Content } = await import("../../core/models/content.ts");
  return Content.findAll({ where: { type }, order: [["id", "ASC"]] });
};

test.serial("a module's content gets its contents row, topics, mentions of readers only, notifications and a stream entry", async (t) => {
  const memberName = await usernameOf(member.userId);
  const outsiderName = await usernameOf(outsider.userId);
  const written = await owner.client.post(notesUrl(), { body: `Launch checklist for @${memberName} and @${outsiderName} #padlaunch` });
  t.is(written.status, 302);
  const [content] = await contentsOf("fixture-group-note");
  t.truthy(content);
  t.is(content?.containerType, "group");
  t.is(content?.containerId, group.id);
  t.is(content?.authorId, owner.userId);

  const { Mention } = await import("../../core/models/mention.ts");
  t.deepEqual((await Mention.findAll({ where: { contentId: content!.id } })).map((mention) => mention.userId), [member.userId], "only the mentioned reader is recorded");
  await queueDrained();
  t.true((await notificationsOf(member.userId)).some((notification) => notification.type === "mention"), "the mentioned reader is notified");
  t.deepEqual(await notificationsOf(outsider.userId), [], "the outsider learns nothing");

  const topic = await member.client.get("/topics/padlaunch");
  t.is(topic.status, 200);
  t.true(topic.text.includes("Launch checklist"), "the topic page lists it");
  t.is((await outsider.client.get("/topics/padlaunch")).status, 404);
  t.true((await member.client.get(group.url)).text.includes('class="fixture-group-note">Launch checklist'), "the group stream shows it");
});

test.serial("without the type's create permission, or in an archived group, nothing is written", async (t) => {
  const before = (await contentsOf("fixture-group-note")).length;
  t.is((await member.client.post(notesUrl(), { body: "not allowed" })).status, 403, "members lack fixture-group-notes.write by default");
  const { Group } = await import("../../modules/groups/models/group.ts");
  await Group.update({ isArchived: true }, { where: { id: group.id } });
  try {
    t.is((await owner.client.post(notesUrl(), { body: "archived" })).status, 403, "a read-only group refuses even its owner");
  } finally {
    await Group.update({ isArchived: false }, { where: { id: group.id } });
  }
  t.is((await contentsOf("fixture-group-note")).length, before);
});

test.serial("a module writes only its own content types, and removing needs the right to delete", async (t) => {
  const { ContentWriter, moduleContentApi } = await import("../../core/content/writer.ts");
  const { ContentPolicy } = await import("../../core/policies/content.ts");
  const { User } = await import("../../core/models/user.ts");
  const registry = app.app.registry;
  const writer = new ContentWriter(app.app.sequelize, registry);
  const ownerPolicy = new ContentPolicy(registry, await User.findByPk(owner.userId));
  const container = { type: "group", id: group.id, slug: group.slug, name: "Notes hangar" };
  const foreign = moduleContentApi(writer, registry, "fixture-live");
  await t.throwsAsync(foreign.create(ownerPolicy, { type: "fixture-group-note", container, refId: 999 }), { message: /only its own content types/ });
  await t.throwsAsync(moduleContentApi(writer, registry, "fixture-group-notes").create(ownerPolicy, { type: "post", container, refId: 1 }), { message: /only its own content types/ });

  const [content] = await contentsOf("fixture-group-note");
  const notes = moduleContentApi(writer, registry, "fixture-group-notes");
  const memberPolicy = new ContentPolicy(registry, await User.findByPk(member.userId));
  await t.throwsAsync(notes.remove(memberPolicy, content!), { message: /errors:status.403/ });
  t.is((await contentsOf("fixture-group-note"))[0]?.deletedAt, null, "still there");
  await notes.remove(ownerPolicy, content!);
  t.truthy((await contentsOf("fixture-group-note"))[0]?.deletedAt, "deleted by its author");
  await notes.restore(ownerPolicy, content!);
  t.is((await contentsOf("fixture-group-note"))[0]?.deletedAt, null, "restored");
});

test.serial("entries show the actions their type declares and those modules add to every entry; core adds no edit link of its own", async (t) => {
  const notes = await contentsOf("fixture-group-note");
  const page = (await member.client.get(group.url)).text;
  const noteId = notes[0]!.id;
  t.regex(page, new RegExp(`<form method="post" action="/fixture-group-notes/echo/${noteId}" data-confirm="Echo it to the group\\?">\\s*<input type="hidden" name="_csrf" value="[^"]+"><button type="submit" class="link-button">Echo this note</button>`), "the type's own action, as a form with the token");
  t.true(page.includes(`href="/groups/share/${noteId}"`), "the groups module's share action on every entry");
  t.false(page.includes(`href="/c/${noteId}/edit"`), "no core edit link for a type that offers none");
  const post = await owner.client.post("/posts", { target: `group:${group.id}`, body: "A plain post" });
  t.is(post.status, 302);
  const { Content } = await import("../../core/models/content.ts");
  const postId = (await Content.findOne({ where: { type: "post" }, order: [["id", "DESC"]] }))!.id;
  t.true((await owner.client.get(group.url)).text.includes(`href="/c/${postId}/edit"`), "the post type offers its author an edit link");
  t.false((await member.client.get(group.url)).text.includes(`href="/c/${postId}/edit"`), "not to others");
});
