import test from "ava";
import { statementsFor } from "../../../test/helpers/queries.ts";
import { contentLinks, search } from "../../../test/search/helpers.ts";
import { queueDrained } from "../../../test/notifications/helpers.ts";
import { addMember, createGroup } from "../../groups/test/helpers.ts";
import { everyPermission, pagesWorld, text, upload, type PagesWorld } from "./pages-helpers.ts";

// Search asks the documents' rights over all of a person's groups at once: the same number of statements for
// a member of one group as for a member of eight, and a group whose matrix took "view" from members is still
// left out for them.

let world: PagesWorld;
test.before(async () => {
  world = await pagesWorld();
});
test.after.always(() => world?.app.close());

test.serial("a search runs as many statements for a member of eight groups as for a member of one", async (t) => {
  const { app, owner, member, other, group } = world;
  // `other` belongs to seven more groups (documents on in each), `member` to the world's group only.
  const more: { id: number; url: string }[] = [];
  for (let index = 0; index < 7; index += 1) {
    const extra = await createGroup(owner.client, { name: `Extra ${index}`, visibility: "private" });
    await addMember(extra.id, other.userId, index % 2 ? "moderator" : "member");
    t.is((await owner.client.post(`${extra.url}/modules/documents`, { state: "enabled" })).status, 302);
    more.push(extra);
  }
  // In one of them members may not view documents: its upload is not found by `other` (a member there).
  const closed = more[0];
  t.is((await owner.client.post(`${closed.url}/permissions`, everyPermission({ "p.documents.view": ["admin", "moderator"] }))).status, 302);
  t.is((await upload(owner, `${closed.url}/documents`, [text("The cormorantlist is private.", "list.txt")], { note: "Cormorantnote" })).status, 302);
  t.is((await upload(owner, `${more[1].url}/documents`, [text("The ospreylist is shared.", "list.txt")], { note: "Ospreynote" })).status, 302);
  t.is((await upload(owner, `${group.url}/documents`, [text("The kestrellist is shared.", "list.txt")], { note: "Kestrelnote" })).status, 302);
  await queueDrained();
  t.deepEqual(contentLinks((await search(other.client, "cormorantnote")).main), [], "view taken from members there");
  t.is(contentLinks((await search(other.client, "ospreynote")).main).length, 1, "moderator there");
  t.is(contentLinks((await search(other.client, "kestrelnote")).main).length, 1);
  t.is(contentLinks((await search(member.client, "kestrelnote")).main).length, 1);

  // Where they moderate, they find a file in a folder for moderators only, until the group takes that right from moderators.
  const shared = more[1];
  t.is((await owner.client.post(`${shared.url}/documents/folders`, { parent: "", name: "Board" })).status, 302);
  const [board] = await world.sql<{ id: number }>("SELECT id FROM documents_folders WHERE name = 'Board' AND container_id = :id", { id: shared.id });
  t.is((await owner.client.post(`${shared.url}/documents/f/${board.id}/restrict`, { restricted: "1" })).status, 302);
  t.is((await upload(owner, `${shared.url}/documents`, [text("The shagminutes are for moderators.", "minutes.txt")], { folder: String(board.id) })).status, 302);
  await queueDrained();
  const fileLinks = async (words: string) => [...(await search(other.client, words)).main.matchAll(/href="[^"]*\/documents\/d\/(\d+)"/g)].length;
  t.is(await fileLinks("shagminutes"), 1, "a moderator there finds it");
  t.is((await owner.client.post(`${shared.url}/permissions`, everyPermission({ "p.documents.delete-others": ["admin"] }))).status, 302);
  t.is(await fileLinks("shagminutes"), 0, "no longer once the group's matrix takes delete-others from moderators");

  // Each query once first: PostgreSQL's engine remembers how it parsed the words (one statement less after).
  for (const words of ["kestrelnote", "nothingmatchesthis"]) await search(owner.client, words);
  const one = await statementsFor(app, member.client, "/search?q=kestrelnote");
  const eight = await statementsFor(app, other.client, "/search?q=kestrelnote");
  t.is(eight.length, one.length, `one group: ${one.length} statements, eight groups: ${eight.length}`);
  const none = await statementsFor(app, other.client, "/search?q=nothingmatchesthis");
  t.is(none.length, (await statementsFor(app, member.client, "/search?q=nothingmatchesthis")).length);
});
