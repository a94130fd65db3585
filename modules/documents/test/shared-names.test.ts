import test from "ava";
import { queueDrained } from "../../../test/notifications/helpers.ts";
import { pagesWorld, text, upload, type PagesWorld } from "./pages-helpers.ts";

// Folders and files share their names in one place (the same rule as files: case and Unicode form set
// aside), enforced by the database (documents_names) for creating, renaming, moving and uploading, and for
// two requests at once. And an upload of too many files gets the documents' own limit in its message.

let world: PagesWorld;
test.before(async () => {
  world = await pagesWorld();
});
test.after.always(() => world?.app.close());

const folderId = async (name: string): Promise<number | undefined> => (await world.sql<{ id: number }>("SELECT id FROM documents_folders WHERE name = :name AND deleted_at IS NULL", { name }))[0]?.id;
const documentId = async (name: string): Promise<number | undefined> => (await world.sql<{ id: number }>("SELECT id FROM documents WHERE name = :name AND deleted_at IS NULL", { name }))[0]?.id;
const count = async (query: string, replacements: Record<string, unknown> = {}) => Number((await world.sql<{ n: number | string }>(query, replacements))[0].n);

test.serial("an upload named like a folder beside it is refused whole with the reason; nothing is written", async (t) => {
  const { moderator, member, docs } = world;
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "Plans.txt" })).status, 302);
  const before = { documents: await count("SELECT COUNT(*) AS n FROM documents"), contents: await count("SELECT COUNT(*) AS n FROM contents"), files: await count("SELECT COUNT(*) AS n FROM module_files") };
  // "plans" (no extension), in another case and in decomposed Unicode form: the folder's name all the same.
  for (const name of ["plans.txt", "PLANS.TXT"]) {
    const refused = await upload(member, docs, [text("a", "fine.txt"), text("b", name)]);
    t.is(refused.status, 409, name);
    t.true(refused.text.includes("A folder of this name is already here"), name);
  }
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "Re\u0301sume\u0301.txt" })).status, 302);
  t.is((await upload(member, docs, [text("c", "R\u00e9sum\u00e9.txt")])).status, 409, "NFC and NFD are one name");
  t.deepEqual(
    { documents: await count("SELECT COUNT(*) AS n FROM documents"), contents: await count("SELECT COUNT(*) AS n FROM contents"), files: await count("SELECT COUNT(*) AS n FROM module_files") },
    before,
    "no document, stream entry or stored file",
  );
  // Inside the folder the name is free.
  t.is((await upload(member, docs, [text("d", "plans.txt")], { folder: String(await folderId("Plans.txt")) })).status, 302);
});

test.serial("a folder cannot be created, renamed or moved onto a file's name, nor a file renamed or moved onto a folder's", async (t) => {
  const { moderator, member, docs } = world;
  t.is((await upload(member, docs, [text("r", "Report.txt")])).status, 302);
  const created = await moderator.client.post(`${docs}/folders`, { parent: "", name: "report.txt" });
  t.is(created.status, 409);
  t.true(created.text.includes("There is already something with this name here"));
  t.is(await folderId("report.txt"), undefined);

  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "Drafts.txt" })).status, 302);
  const drafts = await folderId("Drafts.txt");
  t.is((await moderator.client.post(`${docs}/f/${drafts}/rename`, { name: "REPORT.TXT" })).status, 409, "rename onto the file's name");
  t.truthy(await folderId("Drafts.txt"));
  t.is((await moderator.client.post(`${docs}/folders`, { parent: String(drafts), name: "Report.txt" })).status, 302, "inside another folder it is free");
  const inner = await folderId("Report.txt");
  t.is((await moderator.client.post(`${docs}/f/${inner}/move`, { parent: "" })).status, 409, "moved up beside the file");
  t.is((await world.sql<{ parent_id: number }>("SELECT parent_id FROM documents_folders WHERE id = :inner", { inner }))[0].parent_id, drafts!);

  // Files: renamed or moved onto a folder's name.
  t.is((await upload(member, docs, [text("x", "notes.txt")])).status, 302);
  const notes = await documentId("notes.txt");
  t.is((await member.client.post(`${docs}/d/${notes}/rename`, { name: "drafts.txt" })).status, 409);
  t.is(await documentId("drafts.txt"), undefined);
  t.is((await upload(member, docs, [text("y", "report.txt")], { folder: String(drafts) })).status, 409, "uploaded beside the inner folder");
  t.is((await member.client.post(`${docs}/d/${await documentId("Report.txt")}/move`, { folder: String(drafts) })).status, 409, "moved beside a folder of its name");
  t.is((await world.sql<{ folder_id: number | null }>("SELECT folder_id FROM documents WHERE name = 'Report.txt'"))[0].folder_id, null);

  // The ZIP never holds "x/" and "x".
  const zip = await member.client.get(`${docs}/zip`);
  t.is(zip.status, 200);
});

test.serial("a folder and a file of one name created at once: one gets in, the other is refused", async (t) => {
  const { moderator, member, docs } = world;
  for (let round = 0; round < 4; round += 1) {
    const name = `Budget ${round}.txt`;
    const [folder, file] = await Promise.all([
      moderator.client.post(`${docs}/folders`, { parent: "", name }),
      upload(member, docs, [text("b", name.toLowerCase())]),
    ]);
    t.deepEqual([folder.status, file.status].sort(), [302, 409], `round ${round}: ${folder.status} ${file.status}`);
    const live = (await count("SELECT COUNT(*) AS n FROM documents_folders WHERE name_key = :key AND deleted_at IS NULL", { key: name.toLowerCase() }))
      + (await count("SELECT COUNT(*) AS n FROM documents WHERE name_key = :key AND deleted_at IS NULL", { key: name.toLowerCase() }));
    t.is(live, 1, `round ${round}: one of them`);
  }
  // The database itself refuses it, whatever writes (here straight SQL, as a script or another module would).
  const [folder] = await world.sql<{ id: number; container_id: number; name_key: string }>("SELECT id, container_id, name_key FROM documents_folders WHERE name = 'Drafts.txt'");
  await t.throwsAsync(
    world.app.app.sequelize.query(
      "INSERT INTO documents (container_type, container_id, folder_id, name, name_key, created_at, updated_at) VALUES ('group', :containerId, NULL, 'DRAFTS.txt', :key, :now, :now)",
      { replacements: { containerId: folder.container_id, key: folder.name_key, now: new Date() } },
    ),
    undefined,
    "a document row with a folder's name beside it",
  );
  await queueDrained();
  t.is(await count("SELECT COUNT(*) AS n FROM documents_names n WHERE n.document_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = n.document_id AND d.deleted_at IS NULL)"), 0, "the names table follows the documents");
});

test.serial("too many files in one upload: the documents' own limit of 20 in the message, in English and French; nothing kept", async (t) => {
  const { member, docs, app } = world;
  const files = Array.from({ length: 21 }, (_, index) => text(`n${index}`, `many-${index}.txt`));
  const before = await count("SELECT COUNT(*) AS n FROM documents");
  const refused = await upload(member, docs, files);
  t.is(refused.status, 413);
  t.true(refused.text.includes("one upload takes at most 20 files"), refused.text.slice(refused.text.indexOf("<main"), refused.text.indexOf("<main") + 600));
  t.false(refused.text.includes("attach at most 10"), "not the posts' limit");
  t.is(await count("SELECT COUNT(*) AS n FROM documents"), before);
  t.is((await upload(member, docs, files.slice(0, 20))).status, 302, "20 files are fine");

  const french = await app.signedIn("member", { displayName: "Françoise" });
  t.is((await french.client.post("/account", { displayName: "Françoise", language: "fr" })).status, 302);
  t.true((await upload(french, "/company/documents", files)).text.includes("un envoi prend au plus 20 fichiers"));
});
