import test from "ava";
import { contentLinks, countOf, search } from "../../../test/search/helpers.ts";
import { queueDrained } from "../../../test/notifications/helpers.ts";
import { pagesWorld, text, upload, type PagesWorld } from "./pages-helpers.ts";

// Each document is its own search result (name and text), with or without a stream entry: a file uploaded
// straight into a folder for moderators only is found by the space's moderators and the site's admins, and
// an upload whose files were later split between open and restricted folders is found file by file.

let world: PagesWorld;
test.before(async () => {
  world = await pagesWorld();
});
test.after.always(() => world?.app.close());

/** Links to documents' pages in the results, in order. */
const documentLinks = (main: string) => [...new Set([...main.matchAll(/href="[^"]*\/documents\/d\/(\d+)"/g)].map((match) => Number(match[1])))];
const documentId = async (name: string) => (await world.sql<{ id: number }>("SELECT id FROM documents WHERE name = :name", { name }))[0].id;

test.serial("a file uploaded straight into a folder for moderators only: found by its name and text by the space's moderators and the site's admins, by nobody else", async (t) => {
  const { moderator, member, other, owner, siteAdmin, docs, sql, app } = world;
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "Board" })).status, 302);
  const [board] = await sql<{ id: number }>("SELECT id FROM documents_folders WHERE name = 'Board'");
  t.is((await moderator.client.post(`${docs}/f/${board.id}/restrict`, { restricted: "1" })).status, 302);
  t.is((await upload(moderator, docs, [text("The orcaminutes of the board meeting.", "walrus-plan.txt")], { folder: String(board.id), note: "Board papers" })).status, 302);
  await queueDrained();
  const id = await documentId("walrus-plan.txt");
  t.is(Number((await sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM contents WHERE type = 'documents-batch'"))[0].n), 0, "still no stream entry");
  const [indexed] = await sql<{ content_id: number | null; container_id: number }>("SELECT content_id, container_id FROM search_documents WHERE kind = 'documents-file' AND ref_id = :id", { id });
  t.is(indexed.content_id, null, "indexed on its own");

  for (const [who, client] of [["moderator", moderator.client], ["owner", owner.client], ["site admin", siteAdmin]] as const) {
    for (const words of ["orcaminutes", "walrus"]) {
      const found = await search(client, words);
      t.deepEqual(documentLinks(found.main), [id], `${who}: ${words}`);
      t.is(countOf(found.main), 1, `${who}: ${words} counted`);
      t.deepEqual(contentLinks(found.main), [], "no entry to link");
    }
  }
  t.true((await search(moderator.client, "orcaminutes")).main.includes("<mark>orcaminutes</mark>"), "with its snippet");
  const outsider = await app.signedIn("member", { displayName: "Otto Outsider" });
  for (const [who, client] of [["member", member.client], ["other member", other.client], ["outsider", outsider.client]] as const) {
    for (const words of ["orcaminutes", "walrus"]) {
      const found = await search(client, words);
      t.deepEqual(documentLinks(found.main), [], `${who}: ${words}`);
      t.not(countOf(found.main), 1, `${who}: not counted`);
      t.false(found.main.includes("board meeting") || found.main.includes("<mark>"), `${who}: no snippet`);
    }
    t.deepEqual(documentLinks((await search(client, "orcaminutes", { type: "documents-file" })).main), [], `${who}: not in the tab either`);
  }

  // Opened: members find it; trashed: nobody does.
  t.is((await moderator.client.post(`${docs}/f/${board.id}/restrict`, { restricted: "0" })).status, 302);
  t.deepEqual(documentLinks((await search(member.client, "orcaminutes")).main), [id], "open: members find it");
  t.is((await moderator.client.post(`${docs}/d/${id}/delete`, {})).status, 302);
  t.deepEqual(documentLinks((await search(moderator.client, "orcaminutes")).main), [], "trashed");
  t.is((await moderator.client.post(`${docs}/d/${id}/restore`, {})).status, 302);
  t.deepEqual(documentLinks((await search(moderator.client, "orcaminutes")).main), [id], "restored");
});

test.serial("an upload split between an open and a restricted folder: members find the file they may open, not the other; the upload's note with it", async (t) => {
  const { moderator, member, other, docs, group, sql } = world;
  t.is((await upload(member, docs, [text("The pelicanalpha schedule.", "alpha.txt"), text("The pelicanbeta salaries.", "beta.txt")], { note: "Heronpapers for all" })).status, 302);
  await queueDrained();
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'documents-batch' ORDER BY id DESC LIMIT 1");
  const [alpha, beta] = [await documentId("alpha.txt"), await documentId("beta.txt")];
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "Pay" })).status, 302);
  const [pay] = await sql<{ id: number }>("SELECT id FROM documents_folders WHERE name = 'Pay'");
  t.is((await moderator.client.post(`${docs}/f/${pay.id}/restrict`, { restricted: "1" })).status, 302);
  t.is((await moderator.client.post(`${docs}/d/${beta}/move`, { folder: String(pay.id) })).status, 302);

  for (const client of [member.client, other.client]) {
    t.deepEqual(documentLinks((await search(client, "pelicanalpha")).main), [alpha], "the open file");
    const hidden = await search(client, "pelicanbeta");
    t.deepEqual(documentLinks(hidden.main), [], "not the restricted one");
    t.deepEqual(contentLinks(hidden.main), [], "nor its upload");
    t.false(hidden.main.includes("salaries"));
    t.deepEqual(documentLinks((await search(client, "beta")).main), [], "not by its name");
    t.deepEqual(contentLinks((await search(client, "heronpapers")).main), [content.id], "the upload's note, as its entry shows");
  }
  t.deepEqual(documentLinks((await search(moderator.client, "pelicanbeta")).main), [beta], "the moderator finds it");
  // The stream entry lists what the reader may open, and says nothing of the rest.
  const entry = (await other.client.get(`/c/${content.id}`)).text;
  t.true(entry.includes(">alpha.txt</a>"));
  t.false(entry.includes("beta.txt"));
  t.false(entry.includes("folder you cannot open"));
  t.true((await moderator.client.get(group.url)).text.includes(">beta.txt</a>"));
});
