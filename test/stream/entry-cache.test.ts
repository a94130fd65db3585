import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish } from "../helpers/content.ts";
import { statementsFor } from "../helpers/queries.ts";
import { comment, entryHtml } from "../comments/helpers.ts";
import { addMember, createGroup } from "../../modules/groups/test/helpers.ts";

// Stream entries are rendered once per reader and shown again from memory until something they show
// changes (core/content/cached-entries.ts). These tests warm the cache, change one thing the way people
// do, and expect the next page to show it.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const streamOf = (html: string) => html.slice(html.indexOf('<section class="stream"'));
const entryTables = /\b(comments|reactions|attachments|posts)\b/;

test.serial("a reload shows the same entries without loading them again, in as many statements with 3 entries as with 20", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  for (let index = 0; index < 3; index += 1) await publish(author.client, { target: "company:0", body: `Cached post ${index}` });
  const cold = await statementsFor(app, reader.client, "/?filter=posts");
  const warm = await statementsFor(app, reader.client, "/?filter=posts");
  const first = (await reader.client.get("/")).text;
  t.is(streamOf((await reader.client.get("/")).text), streamOf(first), "the same HTML from the cache");
  t.true(warm.length < cold.length, `cold ${cold.length} statements, warm ${warm.length}`);
  t.deepEqual(warm.filter((sql) => entryTables.test(sql)), [], "nothing read for the entries themselves");

  for (let index = 3; index < 20; index += 1) await publish(author.client, { target: "company:0", body: `Cached post ${index}` });
  await reader.client.get("/?filter=posts");
  const twenty = await statementsFor(app, reader.client, "/?filter=posts");
  t.is((await reader.client.get("/?filter=posts")).text.match(/Cached post \d+/g)?.length, 20);
  t.is(twenty.length, warm.length, "a cached page of 20 costs what a cached page of 3 does");
});

test.serial("comments, replies, reactions, edits and hidden comments show on the next reload", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const moderator = await app.signedIn("admin");
  const id = await publish(author.client, { target: "company:0", body: "Original words" });
  const entry = async () => entryHtml((await reader.client.get("/")).text, id);
  t.regex(await entry(), /Original words/);

  const top = await comment(author.client, id, "A first comment");
  t.regex(await entry(), /A first comment/);
  await comment(moderator.client, id, "A reply to it", top);
  t.regex(await entry(), /A reply to it/);

  await moderator.client.post(`/c/${id}/react`, { kind: "celebrate" });
  t.regex(await entry(), /1 reaction</);
  await moderator.client.post(`/comments/${top}/react`, { kind: "like" });
  t.regex(await entry(), /reactions-small[\s\S]*1 reaction</);

  t.is((await author.client.post(`/c/${id}/edit`, { title: "", body: "Better words" })).status, 302);
  const edited = await entry();
  t.regex(edited, /Better words/);
  t.notRegex(edited, /Original words/);
  t.regex(edited, /edited/);

  t.is((await moderator.client.post(`/comments/${top}/hide`, {})).status, 302);
  t.notRegex(await entry(), /A first comment/);
});

test.serial("a new name and a new role show on the next reload", async (t) => {
  const author = await app.signedIn("member", { displayName: "Before Rename" });
  const reader = await app.signedIn("member");
  const group = await createGroup(author.client, { name: "Cache crew", visibility: "open" });
  await addMember(group.id, reader.userId);
  const id = await publish(author.client, { target: `group:${group.id}`, body: "Group news" });
  const entry = async (path: string) => entryHtml((await reader.client.get(path)).text, id);

  t.regex(await entry("/"), /Before Rename/);
  t.is((await author.client.post("/account", { displayName: "After Rename", language: "en" })).status, 302);
  const renamed = await entry("/");
  t.regex(renamed, /After Rename/);
  t.notRegex(renamed, /Before Rename/);

  t.notRegex(await entry(group.url), /\/pin"/);
  const { GroupMembership } = await import("../../modules/groups/models/membership.ts");
  await GroupMembership.update({ role: "admin" }, { where: { groupId: group.id, userId: reader.userId } });
  t.regex(await entry(group.url), /\/pin"/, "a group admin may pin");
});

test.serial("each reader and each session gets its own controls and its own form token", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Whose controls" });
  t.regex(entryHtml((await author.client.get("/")).text, id), new RegExp(`/c/${id}/edit"`));
  t.notRegex(entryHtml((await reader.client.get("/")).text, id), new RegExp(`/c/${id}/edit"`), "not the author's edit link");

  // The same reader signed in twice: the second session's page comes from the first one's cache.
  const second = app.client();
  await second.login(reader.account.email, reader.account.password);
  const page = (await second.get("/")).text;
  const tokens = new Set([...entryHtml(page, id).matchAll(/name="_csrf" value="([^"]+)"/g)].map((match) => match[1]));
  t.deepEqual([...tokens], [second.csrfToken], "the forms carry this session's token");
  t.not(second.csrfToken, reader.client.csrfToken);
  await comment(second, id, "Sent from the second session");
  t.regex(entryHtml((await reader.client.get("/")).text, id), /Sent from the second session/);
});
