import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { contentIdOf, filesUnder, pdfDocument, pngImage, postMultipart, zipArchive, type TestFile } from "../../../test/attachments/helpers.ts";
import { waitUntil } from "../../../test/notifications/helpers.ts";
import { contentLinks, search } from "../../../test/search/helpers.ts";
import { notificationsOf, queueDrained } from "../../../test/notifications/helpers.ts";
import { addMember, createGroup, type CreatedGroup } from "../../groups/test/helpers.ts";
import { usernameOf } from "../../../test/helpers/content.ts";
import { keysOnDisk, referencedKeys, storedKeys } from "../../../test/helpers/storage.ts";
import { Document, Version } from "../models.ts";
import { onePagePdf } from "./pdf-fixture.ts";

// The documents module over HTTP, as its users meet it: the switches, every role against every action,
// folders, hostile names, disguised types, limits and quota, keyset pages, versions (also two uploads of
// one name at once), the trash, the ZIP and the stream entry of each upload.

type Person = { client: Client; userId: number };
let app: TestApp;
let siteAdmin: Client;
let owner: Person;
let groupAdmin: Person;
let moderator: Person;
let member: Person;
let other: Person;
let outsider: Person;
let guest: Person;
let handbook: CreatedGroup;
let elsewhere: CreatedGroup;
let docs: string;

test.before(async () => {
  // The site takes 1 MB per post's file; documents take more (their own limit, host.files.receive's option).
  app = await startApp({ AGORA_UPLOAD_LIMIT_MB: "1", AGORA_JOBS_POLL_MS: "50" });
  siteAdmin = (await app.signedIn("admin")).client;
  owner = await app.signedIn("member", { displayName: "Olivia Owner" });
  groupAdmin = await app.signedIn("member", { displayName: "Adam Admin" });
  moderator = await app.signedIn("member", { displayName: "Mona Moderator" });
  member = await app.signedIn("member", { displayName: "Max Member" });
  other = await app.signedIn("member", { displayName: "Nora Other" });
  outsider = await app.signedIn("member", { displayName: "Otto Outsider" });
  guest = await app.signedIn("guest", { displayName: "Gus Guest" });
  if ((await siteAdmin.post("/admin/modules/groups/enable", { state: "enabled" })).status !== 302) throw new Error("groups");
  handbook = await createGroup(owner.client, { name: "Handbook", visibility: "secret" });
  elsewhere = await createGroup(owner.client, { name: "Elsewhere", visibility: "open" });
  await addMember(handbook.id, groupAdmin.userId, "admin");
  await addMember(handbook.id, moderator.userId, "moderator");
  await addMember(handbook.id, member.userId, "member");
  await addMember(handbook.id, other.userId, "member");
  docs = `${handbook.url}/documents`;
});
test.after.always(() => app?.close());

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
const count = async (table: string, where = "1 = 1", replacements: Record<string, unknown> = {}) => Number((await sql<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, replacements))[0].n);
const text = (value: string, name: string): TestFile => ({ name, data: Buffer.from(value), type: "text/plain" });
const upload = (person: Person, base: string, files: TestFile[], fields: Record<string, string> = {}) => postMultipart(person.client, `${base}/upload`, { folder: "", note: "", ...fields }, files);
const documentNamed = async (name: string, containerId = handbook.id) =>
  (await sql<{ id: number; folder_id: number | null; uploader_id: number; deleted_at: string | null; current_version_id: number }>(
    "SELECT id, folder_id, uploader_id, deleted_at, current_version_id FROM documents WHERE name = :name AND container_id = :containerId ORDER BY id DESC",
    { name, containerId },
  ))[0];
const folderNamed = async (name: string) => (await sql<{ id: number; parent_id: number | null }>("SELECT id, parent_id FROM documents_folders WHERE name = :name", { name }))[0];

/** The raw bytes of an answer (the client reads text): for downloads and ZIPs. */
async function bytesOf(person: Person, path: string, headers: Record<string, string> = {}) {
  const cookies = (person.client as unknown as { cookies: Map<string, string> }).cookies;
  const response = await fetch(app.url + path, { headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; "), ...headers }, redirect: "manual" });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

/** The entries of a ZIP (stored, as the module writes them), read from its central directory. */
function zipEntries(zip: Buffer): Map<string, string> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const total = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map<string, string>();
  for (let index = 0; index < total; index += 1) {
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    entries.set(name, zip.subarray(data, data + size).toString("utf8"));
    at += 46 + skip;
  }
  return entries;
}

test.serial("switches: off for the site, off in a group until its owner turns it on; the company space follows the site", async (t) => {
  t.is((await member.client.get(docs)).status, 404, "the module is off");
  t.is((await member.client.get("/company/documents")).status, 404);
  t.is((await siteAdmin.post("/admin/modules/documents/enable", { state: "enabled" })).status, 302);
  t.is((await member.client.get(docs)).status, 404, "on for the site, still off in the group");
  t.is((await member.client.get("/company/documents")).status, 200, "the company space is on with the site");
  t.is((await member.client.post(`${handbook.url}/modules/documents`, { state: "enabled" })).status, 403, "a member does not switch it");
  t.is((await owner.client.post(`${handbook.url}/modules/documents`, { state: "enabled" })).status, 302);
  const page = await member.client.get(docs);
  t.is(page.status, 200);
  t.true(page.text.includes('<h1>Documents</h1>'));
  t.true((await member.client.get(handbook.url)).text.includes(`href="${docs}"`), "the group's tab");
  t.false((await member.client.get(elsewhere.url)).text.includes(`href="${elsewhere.url}/documents"`), "no tab where it is off");
  t.is((await owner.client.get(`${elsewhere.url}/documents`)).status, 404);
  t.true((await owner.client.get(`${handbook.url}/permissions`)).text.includes("documents.upload"), "its permissions are in the group's matrix");
});

test.serial("every role against every action: view, upload, folders, changing others' files", async (t) => {
  t.is((await outsider.client.get(docs)).status, 404, "a secret group's outsider");
  t.is((await app.client().get(docs)).status, 404, "signed out: a secret group is not there");
  t.is((await guest.client.get("/company/documents")).status, 404, "guests have no company space");
  for (const person of [owner, groupAdmin, moderator, member]) t.is((await person.client.get(docs)).status, 200);

  // Folders: owners, admins and moderators manage them; members do not.
  t.is((await member.client.post(`${docs}/folders`, { parent: "", name: "Members' folder" })).status, 403);
  t.is((await outsider.client.post(`${docs}/folders`, { parent: "", name: "Outsider" })).status, 404);
  for (const [person, name] of [[owner, "Policies"], [groupAdmin, "Plans"], [moderator, "Minutes"]] as const) {
    t.is((await person.client.post(`${docs}/folders`, { parent: "", name })).status, 302, name);
  }
  t.deepEqual((await sql<{ name: string }>("SELECT name FROM documents_folders ORDER BY name")).map((row) => row.name), ["Minutes", "Plans", "Policies"]);

  // Uploads: every member role; not outsiders.
  for (const [person, name] of [[owner, "owner.txt"], [groupAdmin, "admin.txt"], [moderator, "moderator.txt"], [member, "member.txt"]] as const) {
    const sent = await upload(person, docs, [text(`by ${name}`, name)]);
    t.is(sent.status, 302, name);
    t.is(sent.location, docs);
  }
  t.is((await upload(outsider, docs, [text("no", "outsider.txt")])).status, 404);
  t.falsy(await documentNamed("outsider.txt"));

  // Changing a file: its uploader, or a moderator; another member is refused.
  const memberFile = (await documentNamed("member.txt"))!;
  t.is((await other.client.post(`${docs}/d/${memberFile.id}/rename`, { name: "taken over.txt" })).status, 403);
  t.is((await other.client.post(`${docs}/d/${memberFile.id}/delete`, {})).status, 403);
  t.is((await member.client.post(`${docs}/d/${memberFile.id}/rename`, { name: "member notes.txt" })).status, 302);
  t.truthy(await documentNamed("member notes.txt"));
  for (const person of [owner, groupAdmin, moderator]) {
    t.is((await person.client.post(`${docs}/d/${memberFile.id}/rename`, { name: `renamed by ${person.userId}.txt` })).status, 302);
  }
  const ownerFile = (await documentNamed("owner.txt"))!;
  t.is((await member.client.post(`${docs}/d/${ownerFile.id}/move`, { folder: String((await folderNamed("Plans")).id) })).status, 403);
  t.is((await documentNamed("owner.txt"))!.folder_id, null, "nothing moved");
  // Downloads: readers with the right to view; the same 404 for outsiders.
  t.is((await bytesOf(member, `${docs}/d/${ownerFile.id}/download`)).body.toString(), "by owner.txt");
  t.is((await outsider.client.get(`${docs}/d/${ownerFile.id}/download`)).status, 404);
  t.is((await owner.client.get(`${elsewhere.url}/documents/d/${ownerFile.id}`)).status, 404, "another group's address finds nothing");

  // The group's matrix decides: members lose the right to view, then to upload.
  const everyPermission = (overrides: Record<string, string[]>) => ({
    "p.groups.post": ["admin", "moderator", "member"],
    "p.groups.invite": ["admin"],
    "p.documents.view": ["admin", "moderator", "member"],
    "p.documents.upload": ["admin", "moderator", "member"],
    "p.documents.manage-folders": ["admin", "moderator"],
    "p.documents.delete-others": ["admin", "moderator"],
    ...overrides,
  });
  t.is((await owner.client.post(`${handbook.url}/permissions`, everyPermission({ "p.documents.upload": ["admin", "moderator"] }))).status, 302);
  t.is((await upload(member, docs, [text("no", "refused.txt")])).status, 403);
  t.falsy(await documentNamed("refused.txt"));
  t.false((await member.client.get(docs)).text.includes("f-documents-files"), "no upload form");
  t.is((await owner.client.post(`${handbook.url}/permissions`, everyPermission({ "p.documents.view": ["admin", "moderator"] }))).status, 302);
  t.is((await member.client.get(docs)).status, 403);
  t.is((await member.client.get(`${docs}/d/${ownerFile.id}/download`)).status, 403);
  t.is((await member.client.get(`${docs}/zip`)).status, 403);
  t.false((await member.client.get(handbook.url)).text.includes(`href="${docs}"`), "no tab without the right to view");
  t.is((await owner.client.post(`${handbook.url}/permissions`, everyPermission({}))).status, 302);
  t.is((await member.client.get(docs)).status, 200);
});

test.serial("folders: nested, renamed, moved (never into themselves), names unique per folder whatever the case or Unicode form", async (t) => {
  const plans = (await folderNamed("Plans"))!;
  t.is((await moderator.client.post(`${docs}/folders`, { parent: String(plans.id), name: "2027" })).status, 302);
  const year = (await folderNamed("2027"))!;
  t.is(year.parent_id, plans.id);
  t.is((await moderator.client.post(`${docs}/folders`, { parent: String(plans.id), name: "Café" })).status, 302);
  t.is((await moderator.client.post(`${docs}/folders`, { parent: String(plans.id), name: "CAFE\u0301" })).status, 409, "the same name in NFD and another case");
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "café" })).status, 302, "another folder may hold it");
  t.is((await moderator.client.post(`${docs}/f/${plans.id}/move`, { parent: String(year.id) })).status, 422, "not into its own folder");
  t.is((await moderator.client.post(`${docs}/f/${plans.id}/move`, { parent: String(plans.id) })).status, 422);
  t.is((await moderator.client.post(`${docs}/f/${year.id}/move`, { parent: "" })).status, 302);
  t.is((await folderNamed("2027"))!.parent_id, null);
  t.is((await moderator.client.post(`${docs}/f/${year.id}/rename`, { name: "Year 2027" })).status, 302);
  const page = await member.client.get(`${docs}/f/${year.id}`);
  t.true(page.text.includes("<h1>Year 2027</h1>"));
  t.is((await member.client.get(`${docs}/f/999999`)).status, 404);
  t.is((await member.client.get(`${elsewhere.url}/documents/f/${year.id}`)).status, 404);
  // At most 20 levels deep, whether made there or moved there.
  let parent = "";
  for (let level = 1; level <= 20; level += 1) {
    t.is((await moderator.client.post(`${docs}/folders`, { parent, name: `Level ${level}` })).status, 302, `level ${level}`);
    parent = String((await folderNamed(`Level ${level}`))!.id);
  }
  t.is((await moderator.client.post(`${docs}/folders`, { parent, name: "Level 21" })).status, 422);
  t.is((await moderator.client.post(`${docs}/f/${year.id}/move`, { parent })).status, 422, "not moved below the 20th level either");
  t.is((await moderator.client.post(`${docs}/f/${(await folderNamed("Level 1"))!.id}/delete`, {})).status, 302);
  // A folder of another group is not a place to move to.
  t.is((await moderator.client.post(`${docs}/f/${year.id}/move`, { parent: "999999" })).status, 404);
});

test.serial("hostile names are refused with a reason, or made safe on upload; nothing is written for a refusal", async (t) => {
  const before = await count("documents_folders");
  const hostile = ["../", "..", "a/b", "a\\b", "a\u0000b", "x".repeat(300), "invoice\u202Etxt.exe", "CON", "con.txt", "Lpt1", "COM3.log", "trailing.", "trailing. ", ".hidden", "   "];
  for (const name of hostile) {
    const answer = await moderator.client.post(`${docs}/folders`, { parent: "", name });
    t.is(answer.status, 422, JSON.stringify(name));
  }
  t.is(await count("documents_folders"), before, "no folder written");
  t.true((await moderator.client.post(`${docs}/folders`, { parent: "", name: "CON" })).text.includes("reserved by Windows"));

  const sent = await upload(member, docs, [text("one", "../../etc/passwd.txt"), text("two", "CON.txt"), text("three", "notes\u202Eorez.md"), text("four", 'what: "now"?.txt')]);
  t.is(sent.status, 302);
  const names = (await sql<{ name: string }>("SELECT name FROM documents WHERE name IN ('passwd.txt', '_CON.txt', 'notesorez.md', 'what_ _now__.txt')")).map((row) => row.name).sort();
  t.deepEqual(names, ["_CON.txt", "notesorez.md", "passwd.txt", "what_ _now__.txt"], "path parts, reserved names, direction and forbidden characters made safe");
  t.is(await count("documents", "name LIKE '%\u202E%' OR name LIKE '%/%'"), 0);
  // A renamed document follows the same rules.
  const passwd = (await documentNamed("passwd.txt"))!;
  for (const name of ["../x.txt", "nul", "x".repeat(300), "a\u202Eb.txt"]) t.is((await member.client.post(`${docs}/d/${passwd.id}/rename`, { name })).status, 422);
  t.truthy(await documentNamed("passwd.txt"));
});

test.serial("types are sniffed from the bytes, not the name; documents take larger files than posts, up to their own limit and the quota", async (t) => {
  const before = await count("documents_versions");
  t.is((await upload(member, docs, [{ name: "report.pdf", data: Buffer.from("<!doctype html><script>alert(1)</script>") }])).status, 415, "a web page named .pdf");
  t.is((await upload(member, docs, [{ name: "report.txt", data: Buffer.from("<html><body>hi</body></html>") }])).status, 415, "a web page named .txt");
  t.is((await upload(member, docs, [{ name: "setup.pdf", data: Buffer.concat([Buffer.from("MZ\x90\x00"), Buffer.alloc(200)]) }])).status, 415, "a program named .pdf");
  t.is(await count("documents_versions"), before, "nothing written");

  const large = text("x".repeat(2 * 1024 * 1024), "large.txt");
  t.is((await upload(member, docs, [large])).status, 302, "2 MB: over the site's 1 MB, within the documents' 100 MB");
  t.truthy(await documentNamed("large.txt"));
  t.is((await siteAdmin.post("/admin/modules/documents/settings", { maxFileMb: "1", quotaMb: "2048" })).status, 302);
  t.is((await upload(member, docs, [text("y".repeat(2 * 1024 * 1024), "larger.txt")])).status, 413);
  t.falsy(await documentNamed("larger.txt"));

  // Quota: each group's usage shown, an upload past it refused whole.
  t.is((await siteAdmin.post("/admin/modules/documents/settings", { maxFileMb: "100", quotaMb: "3" })).status, 302);
  t.regex((await member.client.get(docs)).text, /2(\.\d)? MB used of 3 MB/);
  const versions = await count("documents_versions");
  t.is((await upload(member, docs, [text("z".repeat(600 * 1024), "a.txt"), text("z".repeat(600 * 1024), "b.txt")])).status, 413);
  t.is(await count("documents_versions"), versions);
  // Two uploads at once that fit one at a time but not together: exactly one gets in.
  const used = Number((await sql<{ bytes: number | string }>("SELECT bytes FROM documents_usage WHERE container_type = 'group' AND container_id = :id", { id: handbook.id }))[0].bytes);
  const each = Math.floor((3 * 1024 * 1024 - used) / 2) + 1024;
  const both = await Promise.all([upload(member, docs, [text("q".repeat(each), "race-a.txt")]), upload(other, docs, [text("q".repeat(each), "race-b.txt")])]);
  t.deepEqual(both.map((answer) => answer.status).sort(), [302, 413]);
  t.is(await count("documents", "name IN ('race-a.txt', 'race-b.txt')"), 1);
  t.true(Number((await sql<{ bytes: number | string }>("SELECT bytes FROM documents_usage WHERE container_type = 'group' AND container_id = :id", { id: handbook.id }))[0].bytes) <= 3 * 1024 * 1024);
  t.is((await upload(member, `${elsewhere.url}/documents`, [text("z", "z.txt")])).status, 404, "off there");
  t.is((await upload(member, "/company/documents", [text("z".repeat(600 * 1024), "company.txt")])).status, 302, "the company space has its own quota");
  t.is((await siteAdmin.post("/admin/modules/documents/settings", { maxFileMb: "100", quotaMb: "2048" })).status, 302);
  t.is((await siteAdmin.post("/admin/modules/documents/settings", { maxFileMb: "0", quotaMb: "2048" })).status, 422);
});

test.serial("a folder's listing comes in keyset pages of 50, in name order, with nothing repeated or lost", async (t) => {
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "Archive" })).status, 302);
  const archive = (await folderNamed("Archive"))!;
  const version = (await sql<{ file_id: number }>("SELECT file_id FROM documents_versions LIMIT 1"))[0];
  const now = new Date();
  for (let index = 0; index < 120; index += 1) {
    const name = `File ${String(index).padStart(3, "0")}.txt`;
    const document = await Document.create({ containerType: "group", containerId: handbook.id, folderId: archive.id, name, nameKey: name.toLowerCase(), uploaderId: member.userId, currentVersionId: null });
    const row = await Version.create({ documentId: document.id, fileId: version.file_id, uploaderId: member.userId, batchId: null, size: 3, mime: "text/plain", createdAt: now });
    await document.update({ currentVersionId: row.id });
  }
  const seen: string[] = [];
  let url: string | null = `${docs}/f/${archive.id}`;
  let pages = 0;
  while (url) {
    const page = await member.client.get(url);
    t.is(page.status, 200);
    seen.push(...[...page.text.matchAll(/<a href="[^"]+\/d\/\d+">(File \d+\.txt)<\/a>/g)].map((match) => match[1]));
    url = /<a href="([^"]+)" rel="next">/.exec(page.text)?.[1].replaceAll("&amp;", "&") ?? null;
    pages += 1;
  }
  t.is(pages, 3);
  t.is(seen.length, 120);
  t.deepEqual(seen, [...seen].sort());
  t.is(new Set(seen).size, 120);
  t.is((await member.client.get(`${docs}/f/${archive.id}?after=not-a-cursor`)).status, 400);
});

test.serial("versions: a same-name upload or 'upload a new version' keeps the history; any version downloads and restores", async (t) => {
  t.is((await upload(member, docs, [text("first draft", "Plan.txt")], { note: "" })).status, 302);
  const plan = (await documentNamed("Plan.txt"))!;
  t.is((await upload(other, docs, [text("second draft", "plan.TXT")], { note: "Fixed the dates" })).status, 302, "another case: the same document");
  t.is((await upload(member, docs, [text("third draft", "Plan.txt")])).status, 302);
  const form = await postMultipart(moderator.client, `${docs}/d/${plan.id}/versions`, { note: "Final, signed" }, [text("final", "whatever-name.txt")]);
  t.is(form.status, 302);
  t.is(await count("documents", "name_key = 'plan.txt' AND container_id = :id", { id: handbook.id }), 1);
  const versions = await sql<{ id: number; note: string; uploader_id: number }>("SELECT id, note, uploader_id FROM documents_versions WHERE document_id = :id ORDER BY id", { id: plan.id });
  t.is(versions.length, 4);
  t.deepEqual(versions.map((version) => version.uploader_id), [member.userId, other.userId, member.userId, moderator.userId]);
  const page = await member.client.get(`${docs}/d/${plan.id}`);
  t.true(page.text.includes("Version 4</strong> <span class=\"badge ok\">Current</span>"));
  t.true(page.text.includes("Fixed the dates") && page.text.includes("Final, signed") && page.text.includes("Nora Other"));
  t.is((await bytesOf(member, `${docs}/d/${plan.id}/download`)).body.toString(), "final");
  t.is((await bytesOf(member, `${docs}/d/${plan.id}/download?version=${versions[1].id}`)).body.toString(), "second draft");
  const ranged = await bytesOf(member, `${docs}/d/${plan.id}/download?version=${versions[1].id}`, { range: "bytes=0-5" });
  t.is(ranged.status, 206);
  t.is(ranged.body.toString(), "second");
  t.is((await member.client.get(`${docs}/d/${plan.id}/download?version=${(await documentNamed("owner.txt"))!.current_version_id}`)).status, 404, "another document's version");

  t.is((await outsider.client.post(`${docs}/d/${plan.id}/versions/${versions[0].id}/restore`, {})).status, 404);
  t.is((await member.client.post(`${docs}/d/${plan.id}/versions/${versions[0].id}/restore`, {})).status, 302);
  t.is((await bytesOf(member, `${docs}/d/${plan.id}/download`)).body.toString(), "first draft", "version 1 is current again");
  t.true((await member.client.get(`${docs}/d/${plan.id}`)).text.includes("restored from version 1"));
  t.is(await count("documents_versions", "document_id = :id", { id: plan.id }), 5, "restoring adds a version, the history stays");
});

test.serial("two people uploading the same name at once both keep their file", async (t) => {
  const [first, second] = await Promise.all([upload(member, docs, [text("from Max", "Budget.txt")]), upload(other, docs, [text("from Nora", "budget.txt")])]);
  t.is(first.status, 302);
  t.is(second.status, 302);
  t.is(await count("documents", "name_key = 'budget.txt' AND deleted_at IS NULL"), 1);
  const budget = (await documentNamed("Budget.txt")) ?? (await documentNamed("budget.txt"))!;
  const versions = await sql<{ id: number }>("SELECT id FROM documents_versions WHERE document_id = :id ORDER BY id", { id: budget.id });
  t.is(versions.length, 2);
  const contents = await Promise.all(versions.map(async (version) => (await bytesOf(member, `${docs}/d/${budget.id}/download?version=${version.id}`)).body.toString()));
  t.deepEqual(contents.sort(), ["from Max", "from Nora"]);
  t.is(budget.current_version_id, versions[1].id, "the newest is current");
});

test.serial("trash: the uploader or a moderator restores within 30 days; a trashed file is served to no one", async (t) => {
  t.is((await upload(member, docs, [text("to bin", "Old.txt")])).status, 302);
  const old = (await documentNamed("Old.txt"))!;
  t.is((await member.client.post(`${docs}/d/${old.id}/delete`, {})).status, 302);
  t.truthy((await documentNamed("Old.txt"))!.deleted_at);
  t.is((await member.client.get(`${docs}/d/${old.id}`)).status, 404);
  t.is((await member.client.get(`${docs}/d/${old.id}/download`)).status, 404);
  t.false((await member.client.get(docs)).text.includes(">Old.txt<"));
  t.true((await member.client.get(`${docs}/trash`)).text.includes("Old.txt"), "in the uploader's trash");
  t.false((await other.client.get(`${docs}/trash`)).text.includes("Old.txt"), "not in another member's");
  t.true((await moderator.client.get(`${docs}/trash`)).text.includes("Old.txt"), "in a moderator's");
  t.is((await other.client.post(`${docs}/d/${old.id}/restore`, {})).status, 403);
  t.is((await outsider.client.post(`${docs}/d/${old.id}/restore`, {})).status, 404);
  t.is((await member.client.post(`${docs}/d/${old.id}/restore`, {})).status, 302);
  t.is((await documentNamed("Old.txt"))!.deleted_at, null);
  t.is((await bytesOf(member, `${docs}/d/${old.id}/download`)).body.toString(), "to bin");

  // A moderator restores someone else's file; a same name uploaded meanwhile blocks the restore (409).
  t.is((await member.client.post(`${docs}/d/${old.id}/delete`, {})).status, 302);
  t.is((await upload(other, docs, [text("new one", "old.txt")])).status, 302);
  t.is((await moderator.client.post(`${docs}/d/${old.id}/restore`, {})).status, 409);
  const newer = (await documentNamed("old.txt"))!;
  t.is((await other.client.post(`${docs}/d/${newer.id}/delete`, {})).status, 302);
  t.is((await moderator.client.post(`${docs}/d/${old.id}/restore`, {})).status, 302);

  // Past 30 days: neither listed nor restorable.
  t.is((await member.client.post(`${docs}/d/${old.id}/delete`, {})).status, 302);
  await app.app.sequelize.query("UPDATE documents SET deleted_at = :at WHERE id = :id", { replacements: { at: new Date(Date.now() - 31 * 24 * 3600_000), id: old.id } });
  t.false((await member.client.get(`${docs}/trash`)).text.includes(`/d/${old.id}/restore`));
  t.is((await member.client.post(`${docs}/d/${old.id}/restore`, {})).status, 404);
  // The daily purge (host.jobs, run here through the queue) deletes it for good, versions and files.
  const files = (await sql<{ file_id: number }>("SELECT file_id FROM documents_versions WHERE document_id = :id", { id: old.id })).map((row) => row.file_id);
  t.true(files.length > 0);
  const usage = async () => Number((await sql<{ bytes: number | string }>("SELECT bytes FROM documents_usage WHERE container_type = 'group' AND container_id = :id", { id: handbook.id }))[0].bytes);
  const usedBefore = await usage();
  const { enqueueJob } = await import("../../../core/jobs/queue.ts");
  await enqueueJob("documents.every.purge-trash", { period: Date.now() }, { key: `documents-test:${Date.now()}` });
  await queueDrained();
  t.is(await usage(), usedBefore - "to bin".length, "the space's usage goes down by the file that went");
  t.is(await count("documents", "id = :id", { id: old.id }), 0);
  t.is(await count("documents_versions", "document_id = :id", { id: old.id }), 0);
  t.is(await count("module_files", "id IN (:files)", { files }), 0, "its files are gone");
  t.truthy(await documentNamed("Plan.txt"), "recent documents stay");

  // A deleted folder sends its files to the trash; one restored alone comes back at the top level.
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "Temporary" })).status, 302);
  const temporary = (await folderNamed("Temporary"))!;
  t.is((await upload(member, docs, [text("inside", "Inside.txt")], { folder: String(temporary.id) })).status, 302);
  t.is((await member.client.post(`${docs}/f/${temporary.id}/delete`, {})).status, 403, "members do not delete folders");
  t.is((await moderator.client.post(`${docs}/f/${temporary.id}/delete`, {})).status, 302);
  t.truthy((await sql<{ deleted_at: string | null }>("SELECT deleted_at FROM documents_folders WHERE id = :id", { id: temporary.id }))[0].deleted_at, "the folder is in the trash (test/folder-trash.test.ts)");
  t.false((await member.client.get(docs)).text.includes("Temporary"));
  const inside = (await documentNamed("Inside.txt"))!;
  t.truthy(inside.deleted_at);
  t.is((await member.client.post(`${docs}/d/${inside.id}/restore`, {})).status, 302);
  t.is((await documentNamed("Inside.txt"))!.folder_id, null);
});

test.serial("a folder's ZIP holds its live documents under their folders, nothing trashed, nothing of another space", async (t) => {
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "Zipped" })).status, 302);
  const zipped = (await folderNamed("Zipped"))!;
  t.is((await moderator.client.post(`${docs}/folders`, { parent: String(zipped.id), name: "Inner" })).status, 302);
  const inner = (await folderNamed("Inner"))!;
  t.is((await upload(member, docs, [text("alpha", "a.txt"), text("gamma", "gone.txt")], { folder: String(zipped.id) })).status, 302);
  t.is((await upload(member, docs, [text("beta", "b.txt")], { folder: String(inner.id) })).status, 302);
  const gone = (await documentNamed("gone.txt"))!;
  t.is((await member.client.post(`${docs}/d/${gone.id}/delete`, {})).status, 302);
  t.is((await upload(member, "/company/documents", [text("company", "c.txt")])).status, 302);

  const answer = await bytesOf(member, `${docs}/f/${zipped.id}/zip`);
  t.is(answer.status, 200);
  t.is(answer.headers.get("content-type"), "application/zip");
  t.deepEqual(Object.fromEntries(zipEntries(answer.body)), { "a.txt": "alpha", "Inner/b.txt": "beta" });
  t.is((await outsider.client.get(`${docs}/f/${zipped.id}/zip`)).status, 404);
  t.is((await member.client.get(`/company/documents/f/${zipped.id}/zip`)).status, 404, "the company space does not open a group's folder");
  const whole = zipEntries((await bytesOf(member, `${docs}/zip`)).body);
  t.is(whole.get("Zipped/Inner/b.txt"), "beta");
  t.false([...whole.keys()].some((name) => name.endsWith("gone.txt") || name.endsWith("c.txt")));
});

test.serial("each upload form is one stream entry, readable where the group is, naming its files", async (t) => {
  const before = await count("contents", "type = 'documents-batch'");
  t.is((await upload(member, docs, [text("1", "one.txt"), text("2", "two.txt"), text("3", "three.txt")], { note: "Minutes of the week @nobody" })).status, 302);
  t.is(await count("contents", "type = 'documents-batch'"), before + 1, "one entry for three files");
  const [content] = await sql<{ id: number; container_id: number }>("SELECT id, container_id FROM contents WHERE type = 'documents-batch' ORDER BY id DESC LIMIT 1");
  t.is(content.container_id, handbook.id);
  const page = await other.client.get(handbook.url);
  t.regex(page.text, /Uploaded 3 files:/);
  for (const name of ["one.txt", "two.txt", "three.txt"]) t.true(page.text.includes(`>${name}</a>`), name);
  t.true(page.text.includes("Minutes of the week"));
  t.is((await outsider.client.get(`/c/${content.id}`)).status, 404);
  // A file trashed since leaves the entry.
  const two = (await documentNamed("two.txt"))!;
  t.is((await member.client.post(`${docs}/d/${two.id}/delete`, {})).status, 302);
  t.false((await other.client.get(`/c/${content.id}`)).text.includes(">two.txt</a>"));
  t.true((await other.client.get(`/c/${content.id}`)).text.includes("Uploaded 2 files:"));
});

test.serial("previews: images get a thumbnail in the listing and their page, text and Markdown show inline (sanitised, the first 100 KB)", async (t) => {
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "Previews" })).status, 302);
  const folder = String((await folderNamed("Previews"))!.id);
  const files = [
    { name: "photo.png", data: await pngImage(120, 80), type: "image/png" },
    text("# Title\n\n<script>alert(1)</script><img src=x onerror=alert(2)> **bold**", "readme.md"),
    text("a < b & c", "plain.txt"),
    text("line\n".repeat(30_000), "long.txt"),
  ];
  t.is((await upload(member, docs, files, { folder })).status, 302);
  const listing = await member.client.get(`${docs}/f/${folder}`);
  const photo = (await documentNamed("photo.png"))!;
  t.true(listing.text.includes(`<img class="documents-thumb" src="${docs}/d/${photo.id}/thumbnail"`));
  const thumbnail = await bytesOf(member, `${docs}/d/${photo.id}/thumbnail`);
  t.is(thumbnail.status, 200);
  t.is(thumbnail.headers.get("content-type"), "image/webp");
  t.is((await outsider.client.get(`${docs}/d/${photo.id}/thumbnail`)).status, 404);
  t.true((await member.client.get(`${docs}/d/${photo.id}`)).text.includes(`<img src="${docs}/d/${photo.id}/thumbnail" alt="Preview of photo.png">`));
  t.is((await member.client.get(`${docs}/d/${(await documentNamed("plain.txt"))!.id}/thumbnail`)).status, 404, "no thumbnail for text");

  const readme = (await member.client.get(`${docs}/d/${(await documentNamed("readme.md"))!.id}`)).text;
  t.true(readme.includes("<h1>Title</h1>") && readme.includes("<strong>bold</strong>"));
  t.false(readme.includes("<script>alert(1)") || /<img[^>]*onerror/.test(readme), "sanitised like a post");
  t.true(readme.includes("&lt;script&gt;alert(1)&lt;/script&gt;"), "markup shown as text");
  t.true((await member.client.get(`${docs}/d/${(await documentNamed("plain.txt"))!.id}`)).text.includes('<pre class="documents-text" tabindex="0">a &lt; b &amp; c</pre>'));
  const long = (await member.client.get(`${docs}/d/${(await documentNamed("long.txt"))!.id}`)).text;
  t.true(long.includes("Only the beginning is shown"));
  const shown = /<pre class="documents-text" tabindex="0">([\s\S]*?)<\/pre>/.exec(long)![1];
  t.true(shown.length <= 100 * 1024);
});

test.serial("search: an upload is found by its message, its files' names and their text (plain and Word, extracted in background work), accents aside; trashed files leave it", async (t) => {
  const contentTypes = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
  const word = zipArchive({
    "[Content_Types].xml": contentTypes,
    "word/document.xml": `<w:document><w:body><w:p><w:r><w:t>Procédure de sécurité incendie</w:t></w:r></w:p><w:p><w:r><w:t>Évacuation &amp; rassemblement</w:t></w:r></w:p></w:body></w:document>`,
  });
  t.is((await upload(member, docs, [{ name: "safety.docx", data: word }, text("The zeppelinhangar keys are in the lobby.", "keys.txt")], { note: "Quarterly paperwork" })).status, 302);
  await queueDrained();
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'documents-batch' ORDER BY id DESC LIMIT 1");
  const [keys] = await sql<{ extracted_text: string }>("SELECT extracted_text FROM documents_versions WHERE doc_name = 'keys.txt'");
  t.is(keys.extracted_text, "The zeppelinhangar keys are in the lobby.");
  const [safety] = await sql<{ extracted_text: string }>("SELECT extracted_text FROM documents_versions WHERE doc_name = 'safety.docx'");
  t.is(safety.extracted_text, "Procédure de sécurité incendie\nÉvacuation & rassemblement");
  for (const words of ["zeppelinhangar", "securite incendie", "evacuation", "Quarterly paperwork", "safety"]) {
    t.deepEqual(contentLinks((await search(other.client, words)).main), [content.id], words);
  }
  t.deepEqual(contentLinks((await search(outsider.client, "zeppelinhangar")).main), [], "not for those who may not read the group");
  const keysDocument = (await documentNamed("keys.txt"))!;
  t.is((await member.client.post(`${docs}/d/${keysDocument.id}/delete`, {})).status, 302);
  t.deepEqual(contentLinks((await search(other.client, "zeppelinhangar")).main), [], "a trashed file's text leaves search");
  t.is((await member.client.post(`${docs}/d/${keysDocument.id}/restore`, {})).status, 302);
  t.deepEqual(contentLinks((await search(other.client, "zeppelinhangar")).main), [content.id], "and comes back with it");
});

test.serial("an upload cut off halfway leaves nothing behind: no row, no temporary file", async (t) => {
  const versions = await count("documents_versions");
  const contents = await count("contents");
  const client = member.client as unknown as { cookies: Map<string, string>; csrfToken: string };
  const boundary = "----agora-cut";
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="folder"\r\n\r\n\r\n--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="cut.txt"\r\nContent-Type: text/plain\r\n\r\n`;
  const url = new URL(`${docs}/upload?_csrf=${encodeURIComponent(client.csrfToken)}`, app.url);
  const temporary = path.join(app.config.uploadsDir, "tmp");
  let seenDuring = 0;
  await new Promise<void>((resolve) => {
    const request = httpRequest(url, {
      method: "POST",
      headers: {
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "content-length": String(head.length + 5 * 1024 * 1024),
        cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      },
    });
    request.on("error", () => resolve());
    request.write(head);
    request.write("x".repeat(512 * 1024));
    // The connection drops with most of the file still to come.
    setTimeout(() => {
      seenDuring = filesUnder(temporary).length;
      request.destroy();
      resolve();
    }, 300);
  });
  t.true(seenDuring > 0, "the file was being written when the connection dropped");
  await waitUntil(async () => filesUnder(temporary).length === 0, "the temporary file to go", 5000);
  t.deepEqual(filesUnder(temporary), []);
  t.is(await count("documents_versions"), versions);
  t.is(await count("contents"), contents);
  t.falsy(await documentNamed("cut.txt"));
});

test.serial("a removed group takes its documents with it: rows, usage and files", async (t) => {
  const doomed = await createGroup(owner.client, { name: "Short-lived", visibility: "private" });
  t.is((await owner.client.post(`${doomed.url}/modules/documents`, { state: "enabled" })).status, 302);
  t.is((await owner.client.post(`${doomed.url}/documents/folders`, { parent: "", name: "Doomed folder" })).status, 302);
  t.is((await upload(owner, `${doomed.url}/documents`, [text("bye", "bye.txt")])).status, 302);
  const files = (await sql<{ file_id: number }>("SELECT v.file_id FROM documents_versions v JOIN documents d ON d.id = v.document_id WHERE d.container_id = :id", { id: doomed.id })).map((row) => row.file_id);
  t.is(files.length, 1);
  t.is((await owner.client.post(`${doomed.url}/delete`, { confirm: doomed.slug })).status, 302);
  for (const table of ["documents", "documents_folders", "documents_batches", "documents_usage"]) t.is(await count(table, "container_type = 'group' AND container_id = :id", { id: doomed.id }), 0, table);
  t.is(await count("module_files", "id IN (:files)", { files }), 0);
  t.truthy(await documentNamed("Plan.txt"), "other groups keep theirs");
});

test.serial("a folder restricted to moderators is hidden from everyone else: lists, pages, files, ZIP, trash, stream and search", async (t) => {
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "Board" })).status, 302);
  const board = (await folderNamed("Board"))!;
  t.is((await moderator.client.post(`${docs}/folders`, { parent: String(board.id), name: "Pay" })).status, 302);
  const pay = (await folderNamed("Pay"))!;
  t.is((await upload(moderator, docs, [text("salarygrid for everyone", "salaries.txt")], { folder: String(pay.id) })).status, 302);
  await queueDrained();
  const salaries = (await documentNamed("salaries.txt"))!;
  t.is((await member.client.post(`${docs}/f/${board.id}/restrict`, { restricted: "1" })).status, 403, "members do not restrict");
  t.is((await groupAdmin.client.post(`${docs}/f/${board.id}/restrict`, { restricted: "1" })).status, 302);
  t.true((await moderator.client.get(docs)).text.includes("Moderators only"));

  for (const path of [`/f/${board.id}`, `/f/${pay.id}`, `/d/${salaries.id}`, `/d/${salaries.id}/download`, `/f/${board.id}/zip`]) {
    t.is((await member.client.get(`${docs}${path}`)).status, 404, path);
    t.is((await moderator.client.get(`${docs}${path}`)).status, 200, path);
  }
  t.false((await member.client.get(docs)).text.includes(">📁 Board</a>"));
  t.is((await upload(member, docs, [text("sneak", "sneak.txt")], { folder: String(pay.id) })).status, 404, "no upload into it");
  t.is((await member.client.post(`${docs}/d/${(await documentNamed("Plan.txt"))!.id}/move`, { folder: String(board.id) })).status, 404, "nor a move into it");
  t.false([...zipEntries((await bytesOf(member, `${docs}/zip`)).body).keys()].some((name) => name.startsWith("Board/")), "not in the whole space's ZIP");
  t.true(zipEntries((await bytesOf(moderator, `${docs}/zip`)).body).has("Board/Pay/salaries.txt"), "a moderator's ZIP has it");
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'documents-batch' ORDER BY id DESC LIMIT 1");
  // Every file of its upload is now restricted: no entry for members (its page is not found), none of its traces.
  t.is((await member.client.get(`/c/${content.id}`)).status, 404);
  t.false((await member.client.get(handbook.url)).text.includes("salaries.txt"));
  t.true((await moderator.client.get(`/c/${content.id}`)).text.includes(">salaries.txt</a>"));
  t.deepEqual(contentLinks((await search(other.client, "salarygrid")).main), [], "its text is out of search");
  t.is(await count("documents_versions", "document_id = :id AND in_restricted = :yes", { id: salaries.id, yes: true }), 1, "kept for the moderators' search");

  // Trashed by a moderator: still not in a member's trash, even one who uploaded... nothing there.
  t.is((await moderator.client.post(`${docs}/d/${salaries.id}/delete`, {})).status, 302);
  t.false((await member.client.get(`${docs}/trash`)).text.includes("salaries.txt"));
  t.is((await moderator.client.post(`${docs}/d/${salaries.id}/restore`, {})).status, 302);

  // Open again: everything comes back, search included.
  t.is((await moderator.client.post(`${docs}/f/${board.id}/restrict`, { restricted: "0" })).status, 302);
  t.is((await member.client.get(`${docs}/d/${salaries.id}`)).status, 200);
  t.deepEqual(contentLinks((await search(other.client, "salarygrid")).main), [content.id]);
});

test.serial("a document moves to another group its uploader manages, with its versions and usage; nowhere else", async (t) => {
  const otherDocs = `${elsewhere.url}/documents`;
  t.is((await owner.client.post(`${elsewhere.url}/modules/documents`, { state: "enabled" })).status, 302);
  t.is((await upload(owner, docs, [text("v1", "Transfer me.txt")], { note: "Moving soon" })).status, 302);
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'documents-batch' ORDER BY id DESC LIMIT 1");
  const moving = (await documentNamed("Transfer me.txt"))!;
  t.is((await postMultipart(owner.client, `${docs}/d/${moving.id}/versions`, { note: "second" }, [text("v2 longer", "x.txt")])).status, 302);
  const usage = async (id: number) => Number((await sql<{ bytes: number | string }>("SELECT bytes FROM documents_usage WHERE container_type = 'group' AND container_id = :id", { id }))[0]?.bytes ?? 0);
  const [handbookBefore, elsewhereBefore] = [await usage(handbook.id), await usage(elsewhere.id)];

  t.true((await owner.client.get(`${docs}/d/${moving.id}`)).text.includes(`href="${docs}/d/${moving.id}/transfer"`));
  t.true((await owner.client.get(`${docs}/d/${moving.id}/transfer`)).text.includes(`<option value="${elsewhere.id}">Elsewhere</option>`), "offered where the owner manages documents");
  const memberChoice = await member.client.get(`${docs}/d/${(await documentNamed("Plan.txt"))!.id}/transfer`);
  t.true(memberChoice.text.includes("You manage the documents of no other group."), "a member who manages no other group is offered none");
  t.is((await other.client.get(`${docs}/d/${moving.id}/transfer`)).status, 403);
  t.is((await member.client.post(`${docs}/d/${(await documentNamed("Plan.txt"))!.id}/transfer`, { group: String(elsewhere.id) })).status, 422, "and cannot send one there");
  t.is((await other.client.post(`${docs}/d/${moving.id}/transfer`, { group: String(elsewhere.id) })).status, 403, "not someone else's file");

  const moved = await owner.client.post(`${docs}/d/${moving.id}/transfer`, { group: String(elsewhere.id) });
  t.is(moved.status, 302);
  t.is(moved.location, `${otherDocs}/d/${moving.id}`);
  t.is((await owner.client.get(`${docs}/d/${moving.id}`)).status, 404, "gone from the group it left");
  const page = await owner.client.get(`${otherDocs}/d/${moving.id}`);
  t.true(page.text.includes("Version 2") && page.text.includes("second"), "with its history");
  t.is((await bytesOf(owner, `${otherDocs}/d/${moving.id}/download`)).body.toString(), "v2 longer");
  t.is(await usage(handbook.id), handbookBefore - "v1".length - "v2 longer".length);
  t.is(await usage(elsewhere.id), elsewhereBefore + "v1".length + "v2 longer".length);
  t.false((await member.client.get(`/c/${content.id}`)).text.includes("Transfer me.txt"), "the old upload entry no longer names it");

  // A name already there: refused, nothing moved.
  t.is((await upload(owner, docs, [text("again", "Transfer me.txt")])).status, 302);
  const again = (await documentNamed("Transfer me.txt", handbook.id))!;
  t.is((await owner.client.post(`${docs}/d/${again.id}/transfer`, { group: String(elsewhere.id) })).status, 409);
  t.is((await documentNamed("Transfer me.txt", handbook.id))!.id, again.id);
});

test.serial("'files from posts' lists what posts and comments here carry, only from posts the reader may read", async (t) => {
  const posted = await postMultipart(member.client, "/posts", { target: `group:${handbook.id}`, body: "Minutes attached" }, [{ name: "minutes.pdf", data: pdfDocument("minutes") }]);
  t.is(posted.status, 302);
  const kept = contentIdOf(posted.location);
  const removed = contentIdOf((await postMultipart(member.client, "/posts", { target: `group:${handbook.id}`, body: "Oops" }, [{ name: "oops.pdf", data: pdfDocument("oops") }])).location);
  t.is((await member.client.post(`/c/${removed}/delete`, {})).status, 302);
  await postMultipart(owner.client, "/posts", { target: `group:${elsewhere.id}`, body: "Elsewhere" }, [{ name: "elsewhere.pdf", data: pdfDocument("e") }]);
  const page = await other.client.get(`${docs}/from-posts`);
  t.is(page.status, 200);
  t.regex(page.text, /<a href="\/files\/\d+\/minutes.pdf">minutes.pdf<\/a>/);
  t.true(page.text.includes(`href="/c/${kept}"`));
  t.false(page.text.includes("oops.pdf"), "a deleted post's file is not listed");
  t.false(page.text.includes("elsewhere.pdf"), "another group's is not");
  t.is((await outsider.client.get(`${docs}/from-posts`)).status, 404);
  t.is((await other.client.get(`${docs}/from-posts?before=zzz`)).status, 400);
});

test.serial("PDFs: their text goes into search and their first page is drawn as a preview, in background work", async (t) => {
  t.is((await upload(member, docs, [{ name: "brochure.pdf", data: onePagePdf("Lighthouse maintenance schedule", { width: 400, height: 200, at: [20, 100] }) }])).status, 302);
  await queueDrained(30_000); // a worker thread loads PDF.js for each file: seconds on a busy machine
  const brochure = (await documentNamed("brochure.pdf"))!;
  const [version] = await sql<{ extracted_text: string; preview_file_id: number | null }>("SELECT extracted_text, preview_file_id FROM documents_versions WHERE document_id = :id", { id: brochure.id });
  t.is(version.extracted_text, "Lighthouse maintenance schedule");
  t.truthy(version.preview_file_id, "the first page was drawn and stored");
  const page = await member.client.get(`${docs}/d/${brochure.id}`);
  t.true(page.text.includes(`<img src="${docs}/d/${brochure.id}/page" alt="First page of brochure.pdf">`));
  const image = await bytesOf(member, `${docs}/d/${brochure.id}/page`);
  t.is(image.status, 200);
  t.regex(image.headers.get("content-type") ?? "", /^image\//);
  t.is((await bytesOf(member, `${docs}/d/${brochure.id}/page?size=small`)).headers.get("content-type"), "image/webp");
  t.is((await outsider.client.get(`${docs}/d/${brochure.id}/page`)).status, 404);
  t.is((await member.client.get(`${docs}/d/${(await documentNamed("Plan.txt"))!.id}/page`)).status, 404, "no page for a text file");
  const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'documents-batch' ORDER BY id DESC LIMIT 1");
  t.deepEqual(contentLinks((await search(other.client, "lighthouse maintenance")).main), [content.id]);
  // A broken PDF costs a bounded effort and leaves no preview.
  t.is((await upload(member, docs, [{ name: "broken.pdf", data: Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n") }])).status, 302);
  await queueDrained(30_000); // a worker thread loads PDF.js for each file: seconds on a busy machine
  const [broken] = await sql<{ extracted_text: string | null; preview_file_id: number | null }>("SELECT extracted_text, preview_file_id FROM documents_versions WHERE doc_name = 'broken.pdf'");
  t.is(broken.extracted_text, "");
  t.is(broken.preview_file_id, null);
});

test.serial("an archived group's documents are read only: listed and downloaded, never changed", async (t) => {
  const archived = await createGroup(owner.client, { name: "Old project", visibility: "private" });
  t.is((await owner.client.post(`${archived.url}/modules/documents`, { state: "enabled" })).status, 302);
  const base = `${archived.url}/documents`;
  t.is((await upload(owner, base, [text("kept", "kept.txt")])).status, 302);
  const kept = (await documentNamed("kept.txt", archived.id))!;
  t.is((await owner.client.post(`${archived.url}/archive`, {})).status, 302);
  const page = await owner.client.get(base);
  t.is(page.status, 200);
  t.false(page.text.includes("f-documents-files") || page.text.includes("f-documents-folder"), "no upload or folder forms");
  t.is((await bytesOf(owner, `${base}/d/${kept.id}/download`)).body.toString(), "kept");
  t.is((await upload(owner, base, [text("new", "new.txt")])).status, 403);
  for (const [path, fields] of [["/folders", { parent: "", name: "New" }], [`/d/${kept.id}/rename`, { name: "renamed.txt" }], [`/d/${kept.id}/delete`, {}]] as const) {
    t.is((await owner.client.post(`${base}${path}`, fields)).status, 403, path);
  }
  t.truthy(await documentNamed("kept.txt", archived.id), "nothing changed");
  t.is(await count("documents_folders", "container_id = :id", { id: archived.id }), 0);
});

test.serial("the company space: members view and upload, only the site's admins manage folders and others' files; guests see nothing", async (t) => {
  const company = "/company/documents";
  t.is((await member.client.post(`${company}/folders`, { parent: "", name: "Company folder" })).status, 403);
  t.is((await siteAdmin.post(`${company}/folders`, { parent: "", name: "HR" })).status, 302);
  const hr = (await folderNamed("HR"))!;
  t.is((await upload(member, company, [text("holidays", "Holidays.txt")], { folder: String(hr.id) })).status, 302);
  const holidays = (await documentNamed("Holidays.txt", 0))!;
  t.is((await other.client.post(`${company}/d/${holidays.id}/rename`, { name: "Mine now.txt" })).status, 403, "another member's file");
  t.is((await siteAdmin.post(`${company}/d/${holidays.id}/rename`, { name: "Holidays 2027.txt" })).status, 302, "an admin moderates");
  t.is((await bytesOf(other, `${company}/d/${holidays.id}/download`)).body.toString(), "holidays");
  t.is((await guest.client.get(`${company}/d/${holidays.id}/download`)).status, 404);
  t.is((await upload(guest, company, [text("g", "guest.txt")])).status, 404);
  t.is((await app.client().get(company)).status, 404, "signed out");
  t.true((await member.client.get("/")).text.includes('href="/company/documents"'), "in the main menu");
});

test.serial("required reading: chosen readers are notified, confirm once, and the asker sees who did", async (t) => {
  t.is((await moderator.client.post(`${docs}/folders`, { parent: "", name: "Policies 2027" })).status, 302);
  t.is((await upload(moderator, docs, [text("Be kind.", "Code of conduct.txt")], { folder: String((await folderNamed("Policies 2027"))!.id) })).status, 302);
  const code = (await documentNamed("Code of conduct.txt"))!;
  const [memberName, otherName, outsiderName] = await Promise.all([usernameOf(member.userId), usernameOf(other.userId), usernameOf(outsider.userId)]);
  t.is((await member.client.post(`${docs}/d/${code.id}/read-requests`, { readers: `@${otherName}` })).status, 403, "only who may change the file asks");
  t.is((await moderator.client.post(`${docs}/d/${code.id}/read-requests`, { readers: `@${memberName} @${outsiderName}` })).status, 422, "an outsider cannot be asked");
  t.is((await moderator.client.post(`${docs}/d/${code.id}/read-requests`, { readers: "@nobody-at-all" })).status, 422);
  t.is(await count("read_receipts", "module_id = 'documents'"), 0, "nothing asked after a refusal");
  t.is((await moderator.client.post(`${docs}/d/${code.id}/read-requests`, { readers: `@${memberName}, ${otherName.toUpperCase()}` })).status, 302);
  t.is((await moderator.client.post(`${docs}/d/${code.id}/read-requests`, { readers: `@${memberName}` })).status, 302, "asking again");
  t.is(await count("read_receipts", "module_id = 'documents' AND subject = :subject", { subject: `document:${code.id}` }), 2, "core's read receipts (host.readReceipts)");
  await queueDrained();
  t.true((await notificationsOf(member.userId)).some((notification) => notification.type === "documents.read-request"), "the reader is notified");
  t.false((await notificationsOf(groupAdmin.userId)).some((notification) => notification.type === "documents.read-request"), "no one else");

  const asked = await member.client.get(`${docs}/d/${code.id}`);
  t.true(asked.text.includes("You were asked to read this document."));
  t.is((await groupAdmin.client.post(`${docs}/d/${code.id}/read`, {})).status, 403, "not asked: nothing to confirm");
  t.is((await member.client.post(`${docs}/d/${code.id}/read`, {})).status, 302);
  const [first] = await sql<{ confirmed_at: string }>("SELECT acknowledged_at AS confirmed_at FROM read_receipts WHERE module_id = 'documents' AND user_id = :id", { id: member.userId });
  t.is((await member.client.post(`${docs}/d/${code.id}/read`, {})).status, 302, "confirming again");
  const [second] = await sql<{ confirmed_at: string }>("SELECT acknowledged_at AS confirmed_at FROM read_receipts WHERE module_id = 'documents' AND user_id = :id", { id: member.userId });
  t.deepEqual(second.confirmed_at, first.confirmed_at, "keeps the first time");
  t.false((await member.client.get(`${docs}/d/${code.id}`)).text.includes("You were asked to read this document."));
  const receipts = (await moderator.client.get(`${docs}/d/${code.id}`)).text;
  t.true(receipts.includes("1 of 2 have confirmed."));
  t.true(receipts.includes("✓ Max Member"));
  t.true(receipts.includes("Nora Other has not confirmed yet"));
});

test.serial("app passwords: created on the account's page with a name, shown once, kept as a hash, revoked by their owner only", async (t) => {
  const { createHash } = await import("node:crypto");
  t.is((await app.client().get("/documents/app-passwords")).status, 302, "signed out: the login page");
  const empty = await member.client.get("/documents/app-passwords");
  t.is(empty.status, 200);
  t.true(empty.text.includes("You have no app password."));
  t.true((await member.client.get("/")).text.includes('href="/documents/app-passwords"'), "in the account menu");
  t.is((await member.client.post("/documents/app-passwords", { name: "" })).status, 422);
  t.is((await member.client.post("/documents/app-passwords", { name: "x".repeat(101) })).status, 422);
  t.is(await count("documents_app_passwords"), 0);
  const created = await member.client.post("/documents/app-passwords", { name: "Laptop\u202E sync" });
  t.is(created.status, 201);
  const token = /<code class="documents-token">([A-Za-z0-9_-]{43})<\/code>/.exec(created.text)?.[1];
  if (!token) return t.fail("no token shown");
  const [row] = await sql<{ id: number; name: string; token_hash: string; user_id: number }>("SELECT id, name, token_hash, user_id FROM documents_app_passwords");
  t.like(row, { name: "Laptop sync", user_id: member.userId }, "direction characters dropped");
  t.is(row.token_hash, createHash("sha256").update(token).digest("hex"), "only its hash is kept");
  t.false(JSON.stringify(await sql("SELECT * FROM documents_app_passwords")).includes(token));
  const listed = await member.client.get("/documents/app-passwords");
  t.true(listed.text.includes("<strong>Laptop sync</strong>") && listed.text.includes("never used"));
  t.false(listed.text.includes(token), "never shown again");
  t.false((await other.client.get("/documents/app-passwords")).text.includes("Laptop sync"), "each person sees their own");
  t.is((await other.client.post(`/documents/app-passwords/${row.id}/revoke`, {})).status, 404, "not someone else's");
  t.is(await count("documents_app_passwords"), 1);
  t.is((await member.client.post(`/documents/app-passwords/${row.id}/revoke`, {})).status, 302);
  t.is(await count("documents_app_passwords"), 0);
});

test.serial("storage: the bytes of every file are where the site keeps them (a bucket under AGORA_TEST_S3=1, the disk otherwise), and every file deleted above took its bytes along", async (t) => {
  await queueDrained();
  const referenced = await referencedKeys(app);
  t.true(referenced.length > 20, "the suite stored files");
  t.deepEqual(await storedKeys(app), referenced, "no bytes without a row (purge, group removal, refused uploads), no row without its bytes");
  if (app.bucket) t.deepEqual(keysOnDisk(app), [], "nothing stored on disk when a bucket is set");
});
