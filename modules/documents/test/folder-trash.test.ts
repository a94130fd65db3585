import test from "ava";
import { contentLinks, search } from "../../../test/search/helpers.ts";
import { queueDrained } from "../../../test/notifications/helpers.ts";
import { everyPermission, pagesWorld, text, upload, type PagesWorld } from "./pages-helpers.ts";

// A deleted folder goes to the trash with its folders and files, comes back as a whole (by whoever deleted
// it or a moderator, for 30 days, as "Name (2)" when its name was taken meanwhile), and the daily purge
// deletes it for good after 30 days.

let world: PagesWorld;
test.before(async () => {
  world = await pagesWorld();
});
test.after.always(() => world?.app.close());

const folder = async (name: string) =>
  (await world.sql<{ id: number; parent_id: number | null; deleted_at: string | null; name: string }>("SELECT id, parent_id, deleted_at, name FROM documents_folders WHERE name = :name ORDER BY id", { name }))[0];
const document = async (name: string) =>
  (await world.sql<{ id: number; folder_id: number | null; deleted_at: string | null }>("SELECT id, folder_id, deleted_at FROM documents WHERE name = :name ORDER BY id DESC", { name }))[0];
const count = async (query: string, replacements: Record<string, unknown> = {}) => Number((await world.sql<{ n: number | string }>(query, replacements))[0].n);

test.serial("a deleted folder goes to the trash with its folders and files and comes back as a whole", async (t) => {
  const { moderator, member, other, docs } = world;
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "Projects" })).status, 302);
  const projects = await folder("Projects");
  t.is((await moderator.client.post(`${docs}/folders`, { parent: String(projects.id), name: "2027" })).status, 302);
  const year = await folder("2027");
  t.is((await upload(member, docs, [text("The gannetplan is ready.", "plan.txt")], { folder: String(projects.id) })).status, 302);
  t.is((await upload(member, docs, [text("deep", "deep.txt"), text("thrown away before", "old.txt")], { folder: String(year.id) })).status, 302);
  await queueDrained();
  t.is((await member.client.post(`${docs}/d/${(await document("old.txt")).id}/delete`, {})).status, 302, "one file trashed on its own first");

  t.is((await member.client.post(`${docs}/f/${projects.id}/delete`, {})).status, 403, "members do not delete folders");
  t.is((await moderator.client.post(`${docs}/f/${projects.id}/delete`, {})).status, 302);
  t.false((await member.client.get(docs)).text.includes("Projects"), "gone from the listing");
  for (const path of [`/f/${projects.id}`, `/f/${year.id}`, `/d/${(await document("plan.txt")).id}`, `/f/${projects.id}/zip`]) t.is((await member.client.get(`${docs}${path}`)).status, 404, path);
  t.truthy((await folder("2027")).deleted_at, "its folders too");
  t.truthy((await document("deep.txt")).deleted_at, "and their files");
  t.deepEqual(contentLinks((await search(member.client, "gannetplan")).main), [], "out of search");

  // The trash: the folder, with how many files it took; its files are not listed one by one.
  const trash = (await moderator.client.get(`${docs}/trash`)).text;
  t.true(trash.includes("📁 Projects"));
  t.true(trash.includes("with 2 files"));
  t.false(trash.includes(">plan.txt") || trash.includes("deep.txt"));
  t.true(trash.includes("old.txt"), "the file trashed before stays on its own");
  t.false((await member.client.get(`${docs}/trash`)).text.includes("📁 Projects"), "not in a member's trash: they did not delete it");
  t.is((await member.client.post(`${docs}/trash/folders/${projects.id}/restore`, {})).status, 403);
  t.is((await member.client.post(`${docs}/trash/folders/${year.id}/restore`, {})).status, 404, "only the deleted folder itself is restored");

  // Meanwhile a file takes its name: it comes back as "Projects (2)", whole.
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "projects" })).status, 302);
  const restored = await moderator.client.post(`${docs}/trash/folders/${projects.id}/restore`, {});
  t.is(restored.status, 302);
  t.is(restored.location, `${docs}/f/${projects.id}`);
  const page = await moderator.client.get(restored.location);
  t.true(page.text.includes("Folder restored with its folders and files, as “Projects (2)”"), page.text.slice(page.text.indexOf("<main"), page.text.indexOf("<main") + 800));
  t.is((await folder("Projects (2)")).id, projects.id);
  t.is((await folder("Projects (2)")).deleted_at, null);
  t.is((await folder("2027")).deleted_at, null);
  t.is((await folder("2027")).parent_id, projects.id);
  t.is((await document("plan.txt")).deleted_at, null);
  t.is((await document("deep.txt")).folder_id, year.id);
  t.truthy((await document("old.txt")).deleted_at, "what was trashed before stays in the trash");
  t.is((await member.client.get(`${docs}/f/${year.id}`)).status, 200);
  t.deepEqual(contentLinks((await search(other.client, "gannetplan")).main).length, 1, "back in search");
  t.false((await moderator.client.get(`${docs}/trash`)).text.includes("📁 Projects"));
});

test.serial("whoever deleted a folder restores it; another folder manager who is not a moderator may not", async (t) => {
  const { owner, member, other, docs, group } = world;
  t.is((await owner.client.post(`${group.url}/permissions`, everyPermission({ "p.documents.manage-folders": ["admin", "moderator", "member"] }))).status, 302);
  t.is((await member.client.post(`${docs}/folders`, { parent: "", name: "Mine" })).status, 302);
  const mine = await folder("Mine");
  t.is((await member.client.post(`${docs}/f/${mine.id}/delete`, {})).status, 302);
  t.true((await member.client.get(`${docs}/trash`)).text.includes("📁 Mine"), "in the deleter's trash");
  t.false((await other.client.get(`${docs}/trash`)).text.includes("📁 Mine"));
  t.is((await other.client.post(`${docs}/trash/folders/${mine.id}/restore`, {})).status, 403);
  t.truthy((await folder("Mine")).deleted_at);
  t.is((await member.client.post(`${docs}/trash/folders/${mine.id}/restore`, {})).status, 302);
  t.is((await folder("Mine")).deleted_at, null);
  t.is((await owner.client.post(`${group.url}/permissions`, everyPermission({}))).status, 302);
});

test.serial("the daily purge deletes folders trashed more than 30 days ago for good, with their files; younger ones stay", async (t) => {
  const { moderator, member, docs, app } = world;
  const day = 24 * 3600_000;
  const now = Date.now();
  for (const name of ["Old box", "Young box"]) {
    t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name })).status, 302);
    const box = await folder(name);
    t.is((await moderator.client.post(`${docs}/folders`, { parent: String(box.id), name: `${name} inner` })).status, 302);
    t.is((await upload(member, docs, [text(`${name} content`, `${name}.txt`)], { folder: String((await folder(`${name} inner`)).id) })).status, 302);
    t.is((await moderator.client.post(`${docs}/f/${box.id}/delete`, {})).status, 302);
  }
  await queueDrained();
  // A fixed clock: one deleted 30 days and a minute ago, the other 29 days and 23 hours ago.
  const old = await folder("Old box");
  const young = await folder("Young box");
  const at = async (id: number, when: Date) => {
    await app.app.sequelize.query("UPDATE documents_folders SET deleted_at = :when WHERE trash_root_id = :id", { replacements: { when, id } });
    await app.app.sequelize.query("UPDATE documents SET deleted_at = :when WHERE trashed_with_folder = :id", { replacements: { when, id } });
  };
  await at(old.id, new Date(now - 30 * day - 60_000));
  await at(young.id, new Date(now - 30 * day + 3600_000));
  t.is((await moderator.client.post(`${docs}/trash/folders/${old.id}/restore`, {})).status, 404, "past 30 days: not restorable");
  t.false((await moderator.client.get(`${docs}/trash`)).text.includes("📁 Old box"));
  const oldFiles = (await world.sql<{ file_id: number }>("SELECT v.file_id FROM documents_versions v JOIN documents d ON d.id = v.document_id WHERE d.name = 'Old box.txt'")).map((row) => row.file_id);
  t.is(oldFiles.length, 1);

  const { enqueueJob } = await import("../../../core/jobs/queue.ts");
  await enqueueJob("documents.every.purge-trash", { period: now }, { key: `folder-trash-test:${now}` });
  await queueDrained();
  t.is(await count("SELECT COUNT(*) AS n FROM documents_folders WHERE name IN ('Old box', 'Old box inner')"), 0, "the old tree is gone");
  t.is(await count("SELECT COUNT(*) AS n FROM documents WHERE name = 'Old box.txt'"), 0);
  t.is(await count("SELECT COUNT(*) AS n FROM module_files WHERE id IN (:ids)", { ids: oldFiles }), 0, "with its stored file");
  t.is(await count("SELECT COUNT(*) AS n FROM documents_folders WHERE name IN ('Young box', 'Young box inner')"), 2, "the younger one stays");
  t.is((await moderator.client.post(`${docs}/trash/folders/${young.id}/restore`, {})).status, 302, "and is still restorable");
  t.is((await document("Young box.txt")).deleted_at, null);
});
