import test from "ava";
import { contentLinks, search } from "../../../test/search/helpers.ts";
import { queueDrained } from "../../../test/notifications/helpers.ts";
import { everyPermission, pagesWorld, text, upload, type PagesWorld } from "./pages-helpers.ts";

// Search answers from the same checks as the documents' pages: the right to view the space's documents
// (a group's matrix may take it from members), and folders for moderators only (their text is found by
// the space's moderators, by nobody else).

let world: PagesWorld;
test.before(async () => {
  world = await pagesWorld();
});
test.after.always(() => world?.app.close());

const latestBatch = async () => (await world.sql<{ id: number }>("SELECT id FROM contents WHERE type = 'documents-batch' ORDER BY id DESC LIMIT 1"))[0].id;

test.serial("a member the group took 'view' from finds no upload, file text or comment; given back, they find them again", async (t) => {
  const { owner, member, other, docs, group } = world;
  t.is((await upload(other, docs, [text("The quokkaledger is kept in the basement.", "ledger.txt")], { note: "Yearly wombatreport" })).status, 302);
  await queueDrained();
  const content = await latestBatch();
  t.is((await owner.client.post(`/c/${content}/comments`, { body: "See the platypusindex too" })).status < 400, true);
  for (const words of ["quokkaledger", "wombatreport", "ledger", "platypusindex"]) t.deepEqual(contentLinks((await search(member.client, words)).main), [content], `before: ${words}`);

  t.is((await owner.client.post(`${group.url}/permissions`, everyPermission({ "p.documents.view": ["admin", "moderator"] }))).status, 302);
  t.is((await member.client.get(docs)).status, 403, "the pages say forbidden");
  for (const words of ["quokkaledger", "wombatreport", "ledger", "platypusindex"]) {
    const found = await search(member.client, words);
    t.deepEqual(contentLinks(found.main), [], `without view: ${words}`);
    t.false(found.main.includes("basement"), "no snippet either");
  }
  t.deepEqual(contentLinks((await search(world.moderator.client, "quokkaledger")).main), [content], "a moderator still finds it");

  t.is((await owner.client.post(`${group.url}/permissions`, everyPermission({}))).status, 302);
  t.deepEqual(contentLinks((await search(member.client, "quokkaledger")).main), [content], "view given back");
});

test.serial("text in a folder for moderators only: the space's moderators and the site's admins find it, members do not", async (t) => {
  const { moderator, member, docs, siteAdmin, sql } = world;
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "Board" })).status, 302);
  const [board] = await sql<{ id: number }>("SELECT id FROM documents_folders WHERE name = 'Board'");
  t.is((await upload(moderator, docs, [text("The narwhalbudget grows next year.", "budget.txt")], { folder: String(board.id) })).status, 302);
  await queueDrained();
  const content = await latestBatch();
  t.deepEqual(contentLinks((await search(member.client, "narwhalbudget")).main), [content], "open folder: members find it");

  t.is((await moderator.client.post(`${docs}/f/${board.id}/restrict`, { restricted: "1" })).status, 302);
  t.deepEqual(contentLinks((await search(member.client, "narwhalbudget")).main), [], "members do not");
  t.deepEqual(contentLinks((await search(member.client, "budget")).main), [], "not even by the file's name");
  t.deepEqual(contentLinks((await search(moderator.client, "narwhalbudget")).main), [content], "the space's moderator does");
  t.deepEqual(contentLinks((await search(siteAdmin, "narwhalbudget")).main), [content], "the site's admin does");
  const [row] = await sql<{ is_live: boolean | number; in_restricted: boolean | number }>("SELECT v.is_live, v.in_restricted FROM documents_versions v WHERE v.doc_name = 'budget.txt'");
  t.truthy(row.is_live);
  t.truthy(row.in_restricted);

  // Trashed: nobody finds it, moderators included; open again: everybody.
  const [budget] = await sql<{ id: number }>("SELECT id FROM documents WHERE name = 'budget.txt'");
  t.is((await moderator.client.post(`${docs}/d/${budget.id}/delete`, {})).status, 302);
  t.deepEqual(contentLinks((await search(moderator.client, "narwhalbudget")).main), [], "trashed");
  t.is((await moderator.client.post(`${docs}/d/${budget.id}/restore`, {})).status, 302);
  t.is((await moderator.client.post(`${docs}/f/${board.id}/restrict`, { restricted: "0" })).status, 302);
  t.deepEqual(contentLinks((await search(member.client, "narwhalbudget")).main), [content], "opened again");
});

test.serial("the company space: members find uploads there; someone signed out or a guest does not", async (t) => {
  const { member, other, app } = world;
  t.is((await upload(member, "/company/documents", [text("The axolotlcharter applies to all.", "charter.txt")])).status, 302);
  await queueDrained();
  const content = await latestBatch();
  t.deepEqual(contentLinks((await search(other.client, "axolotlcharter")).main), [content]);
  const guest = await app.signedIn("guest", { displayName: "Gus Guest" });
  t.deepEqual(contentLinks((await search(guest.client, "axolotlcharter")).main), []);
});
