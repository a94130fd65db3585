import test from "ava";
import { contentLinks, search } from "../../../test/search/helpers.ts";
import { notificationsOf, queueDrained } from "../../../test/notifications/helpers.ts";
import { pagesWorld, text, upload, type PagesWorld } from "./pages-helpers.ts";

// An upload made before its folder was restricted: once every one of its files is in a folder for
// moderators only, it is no entry at all for the others (as SharePoint lists nothing they cannot open):
// not in the group's stream, the dashboard or its "N new posts", its page is 404. Moderators keep it;
// opened again, everybody has it back.

let world: PagesWorld;
test.before(async () => {
  world = await pagesWorld();
});
test.after.always(() => world?.app.close());

const banner = (html: string) => /<p class="new-posts"[^>]*>([^<]*)<\/p>/.exec(html)?.[1] ?? null;

test.serial("every file of an entry now in a folder for moderators only: no entry, no page, no 'new posts' for others; moderators keep it", async (t) => {
  const { moderator, member, other, docs, group, sql } = world;
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "Reports" })).status, 302);
  const [reports] = await sql<{ id: number }>("SELECT id FROM documents_folders WHERE name = 'Reports'");
  // Both have seen their dashboard before the upload: it is news to them.
  await other.client.get("/");
  await moderator.client.get("/");
  t.is((await upload(member, docs, [text("gannet figures", "gannet.txt"), text("tern figures", "tern.txt")], { folder: String(reports.id), note: "Gannetnotes for the team" })).status, 302);
  await queueDrained();
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'documents-batch' ORDER BY id DESC LIMIT 1");
  t.is((await moderator.client.post(`${docs}/f/${reports.id}/restrict`, { restricted: "1" })).status, 302);

  const dashboard = (await other.client.get("/")).text;
  t.is(banner(dashboard), null, "not counted in the other member's new posts");
  t.false(dashboard.includes("Gannetnotes"), "not on the dashboard");
  const groupPage = (await other.client.get(group.url)).text;
  t.false(groupPage.includes("Gannetnotes"), "not in the group's stream");
  t.false(groupPage.includes("not allowed to see"), "nor a trace of it");
  t.is((await other.client.get(`/c/${content.id}`)).status, 404, "its page is not found");
  t.deepEqual(contentLinks((await search(other.client, "gannetnotes")).main), [], "nor its note in search");

  // The space's moderator: counted, shown, found.
  const moderatorDashboard = (await moderator.client.get("/")).text;
  t.is(banner(moderatorDashboard), "1 new post since your last visit");
  t.true(moderatorDashboard.includes("Gannetnotes"));
  t.true((await moderator.client.get(`/c/${content.id}`)).text.includes(">gannet.txt</a>"));
  t.deepEqual(contentLinks((await search(moderator.client, "gannetnotes")).main), [content.id]);

  // One file moved out to an open folder: the entry shows that file only.
  const [tern] = await sql<{ id: number }>("SELECT id FROM documents WHERE name = 'tern.txt'");
  t.is((await moderator.client.post(`${docs}/d/${tern.id}/move`, { folder: "" })).status, 302);
  const partialPage = await other.client.get(`/c/${content.id}`);
  const partial = partialPage.text;
  t.true(partial.includes(">tern.txt</a>") && !partial.includes("gannet.txt"));
  t.true((await other.client.get(group.url)).text.includes("Gannetnotes"));

  // Back in the folder, then the folder opened: everybody has it back.
  t.is((await moderator.client.post(`${docs}/d/${tern.id}/move`, { folder: String(reports.id) })).status, 302);
  t.is((await other.client.get(`/c/${content.id}`)).status, 404);
  t.is((await moderator.client.post(`${docs}/f/${reports.id}/restrict`, { restricted: "0" })).status, 302);
  t.true((await other.client.get(`/c/${content.id}`)).text.includes(">gannet.txt</a>"));
  t.true((await other.client.get(group.url)).text.includes("Gannetnotes"));
  t.deepEqual(contentLinks((await search(other.client, "gannetnotes")).main), [content.id]);
});

test.serial("an entry whose files all went into a folder for moderators only takes no comment from the others, shows them none, and tells them of none", async (t) => {
  const { moderator, member, other, docs, sql } = world;
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "Board" })).status, 302);
  const [board] = await sql<{ id: number }>("SELECT id FROM documents_folders WHERE name = 'Board'");
  t.is((await upload(member, docs, [text("osprey figures", "osprey.txt")], { folder: String(board.id), note: "Ospreynotes for all" })).status, 302);
  await queueDrained();
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'documents-batch' ORDER BY id DESC LIMIT 1");
  // The other member takes part while it is open to them: they follow its comments from now on.
  t.is((await other.client.post(`/c/${content.id}/comments`, { body: "Thanks for the figures" })).status, 302);
  await queueDrained();
  // A comment while it is still open to them: they are told, with a link to it.
  t.is((await moderator.client.post(`/c/${content.id}/comments`, { body: "More figures soon" })).status, 302);
  await queueDrained();
  t.true((await other.client.get("/notifications")).text.includes("commented on"), "told while open");
  t.is((await moderator.client.post(`${docs}/f/${board.id}/restrict`, { restricted: "1" })).status, 302);
  const list = (await other.client.get("/notifications")).text;
  t.false(list.includes("commented on"), "once restricted, the earlier notification no longer says what it was about");
  const notifiedBefore = (await notificationsOf(other.userId)).length;

  t.is((await moderator.client.post(`/c/${content.id}/comments`, { body: "Confidential: the osprey budget is cut" })).status, 302);
  await queueDrained();
  t.is((await notificationsOf(other.userId)).length, notifiedBefore, "no notification of the new comment");
  const comments = await other.client.get(`/c/${content.id}/comments`);
  t.is(comments.status, 404, "its comments are not listed to them");
  t.false(comments.text.includes("osprey budget"));
  t.is((await other.client.post(`/c/${content.id}/comments`, { body: "Still here?" })).status, 404, "nor do they comment on it");
  const [{ count }] = await sql<{ count: number }>("SELECT COUNT(*) AS count FROM comments WHERE content_id = :id AND body = 'Still here?'", { id: content.id });
  t.is(Number(count), 0);
  // The uploader is a member too: the same for them.
  t.is((await member.client.get(`/c/${content.id}/comments`)).status, 404);
});
