import test from "ava";
import { queueDrained } from "../../../test/notifications/helpers.ts";
import { postMultipart } from "../../../test/attachments/helpers.ts";
import { pagesWorld, text, upload, type PagesWorld } from "./pages-helpers.ts";

// An upload wholly into a folder for moderators only makes no stream entry: nobody who cannot open the
// folder learns that something came (no "Files you are not allowed to see" entry, no "N new posts").
// Its files are in the folder, for the space's moderators.

let world: PagesWorld;
test.before(async () => {
  world = await pagesWorld();
});
test.after.always(() => world?.app.close());

const banner = (html: string) => /<p class="new-posts"[^>]*>([^<]*)<\/p>/.exec(html)?.[1] ?? null;
const count = async (query: string) => Number((await world.sql<{ n: number | string }>(query))[0].n);

test.serial("an upload into a folder for moderators only: no stream entry, no 'new posts' for others; an open folder's upload has both", async (t) => {
  const { moderator, member, docs, group, sql } = world;
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "Board" })).status, 302);
  const [board] = await sql<{ id: number }>("SELECT id FROM documents_folders WHERE name = 'Board'");
  t.is((await moderator.client.post(`${docs}/f/${board.id}/restrict`, { restricted: "1" })).status, 302);
  await member.client.get("/");
  t.is(banner((await member.client.get("/")).text), null, "nothing new to start with");
  const contents = await count("SELECT COUNT(*) AS n FROM contents");

  t.is((await upload(moderator, docs, [text("pay grid", "pay.txt"), text("minutes", "minutes.txt")], { folder: String(board.id), note: "Board papers" })).status, 302);
  await queueDrained();
  t.is(await count("SELECT COUNT(*) AS n FROM contents"), contents, "no stream entry written");
  t.is(await count("SELECT COUNT(*) AS n FROM documents_batches"), 0);
  t.is(banner((await member.client.get("/")).text), null, "not counted in a member's new posts");
  const groupPage = (await member.client.get(group.url)).text;
  t.false(groupPage.includes("Files you are not allowed to see"));
  t.false(groupPage.includes("Board papers"));
  // The moderator finds the files in the folder, with their versions and the note.
  const folderPage = (await moderator.client.get(`${docs}/f/${board.id}`)).text;
  t.true(folderPage.includes("pay.txt") && folderPage.includes("minutes.txt"));
  const [pay] = await sql<{ id: number }>("SELECT id FROM documents WHERE name = 'pay.txt'");
  t.true((await moderator.client.get(`${docs}/d/${pay.id}`)).text.includes("Board papers"), "the note is the version's");
  t.is((await member.client.get(`${docs}/d/${pay.id}`)).status, 404);
  // A new version of a file there: quiet too.
  t.is((await postMultipart(moderator.client, `${docs}/d/${pay.id}/versions`, { note: "v2" }, [text("pay grid v2", "pay.txt")])).status, 302);
  t.is(await count("SELECT COUNT(*) AS n FROM documents_versions"), 3);
  t.is(await count("SELECT COUNT(*) AS n FROM contents"), contents, "still no entry");

  // The control: the same upload into an open folder is news, with its entry.
  t.is((await upload(moderator, docs, [text("menu", "menu.txt")], { note: "Canteen menu" })).status, 302);
  t.is(await count("SELECT COUNT(*) AS n FROM contents"), contents + 1);
  t.is(banner((await member.client.get("/")).text), "1 new post since your last visit");
  t.true((await member.client.get(group.url)).text.includes("Canteen menu"));
});
