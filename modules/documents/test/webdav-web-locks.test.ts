import test from "ava";
import { postMultipart } from "../../../test/attachments/helpers.ts";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { CreatedGroup } from "../../groups/test/helpers.ts";
import { davPerson, davRequest, davStage, lockinfo, sqlOf, tokenOf, type DavPerson } from "./webdav-helpers.ts";

// The web pages and WebDAV locks: a file or folder someone holds a lock on cannot be given a new version, renamed,
// moved or deleted on the pages by anyone else (a 423 page, in English and French, nothing written); its page says
// who holds it since when; a moderator can break it, other members cannot; the holder goes on working.

let app: TestApp;
let owner: DavPerson; // the group's owner: a moderator of its documents
let holder: DavPerson; // a member who opens files over WebDAV
let other: DavPerson; // another member
let handbook: CreatedGroup;
let base: string;
let docs: string;
let sql: ReturnType<typeof sqlOf>;

test.before(async () => {
  app = await startApp();
  sql = sqlOf(app);
  ({ owner, members: [holder, other], groups: [handbook] } = await davStage(app, ["Handbook"], ["Hugo Holder", "Otto Other"]));
  base = `/dav/documents/${handbook.slug}`;
  docs = `${handbook.url}/documents`;
});
test.after.always(async () => {
  await app?.close();
});

const dav = (...args: Parameters<typeof davRequest> extends [string, ...infer Rest] ? Rest : never) => davRequest(app.url, ...args);
const documentNamed = async (name: string) =>
  (await sql<{ id: number; name: string; folder_id: number | null; deleted_at: unknown }>("SELECT id, name, folder_id, deleted_at FROM documents WHERE name = :name", { name }))[0];
const versionCount = async (id: number) => Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents_versions WHERE document_id = :id", { id }))[0].n);
const lockCount = async () => Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents_dav_locks"))[0].n);

test.serial("a locked file: new version, restore, rename, move, delete, same-name upload refused on the pages (423, en and fr); its holder goes on", async (t) => {
  t.is((await dav("PUT", `${base}/Plan.txt`, holder, {}, "first")).status, 201);
  t.is((await dav("PUT", `${base}/Plan.txt`, holder, {}, "second")).status, 204);
  t.is((await owner.client.post(`${docs}/folders`, { name: "Archive", parent: "" })).status, 302);
  const archive = Number((await sql<{ id: number }>("SELECT id FROM documents_folders WHERE name = 'Archive'"))[0].id);
  const plan = await documentNamed("Plan.txt");
  const [firstVersion] = await sql<{ id: number }>("SELECT id FROM documents_versions WHERE document_id = :id ORDER BY id", { id: plan.id });
  const locked = await dav("LOCK", `${base}/Plan.txt`, holder, { timeout: "Second-3600" }, lockinfo("Hugo's laptop"));
  t.is(locked.status, 200);
  const token = tokenOf(locked);

  // The moderator may change anyone's file, but not one someone holds open.
  const renamed = await owner.client.post(`${docs}/d/${plan.id}/rename`, { name: "Renamed.txt" });
  t.is(renamed.status, 423);
  t.true(renamed.text.includes("This file is locked"));
  t.true(renamed.text.includes("Hugo Holder has it open in a program connected to the documents drive (WebDAV) since"));
  t.is((await owner.client.post(`${docs}/d/${plan.id}/move`, { folder: String(archive) })).status, 423);
  t.is((await owner.client.post(`${docs}/d/${plan.id}/delete`, {})).status, 423);
  t.is((await owner.client.post(`${docs}/d/${plan.id}/versions/${firstVersion.id}/restore`, {})).status, 423);
  const french = await other.client.post(`${docs}/d/${plan.id}/versions/${firstVersion.id}/restore`, {}, { headers: { "accept-language": "fr" } });
  t.is(french.status, 423);
  t.true(french.text.includes("Ce fichier est verrouillé"));
  t.true(french.text.includes("Hugo Holder l’a ouvert dans un programme connecté au lecteur des documents"));
  t.is((await postMultipart(other.client, `${docs}/d/${plan.id}/versions`, { note: "" }, [{ name: "Plan.txt", data: Buffer.from("other's") }])).status, 423, "upload a new version");
  t.is((await postMultipart(other.client, `${docs}/upload`, { folder: "", note: "" }, [{ name: "plan.TXT", data: Buffer.from("other's") }])).status, 423, "an upload of the same name");
  t.like(await documentNamed("Plan.txt"), { name: "Plan.txt", folder_id: null, deleted_at: null });
  t.is(await versionCount(plan.id), 2, "no version was added");
  t.is((await dav("GET", `${base}/Plan.txt`, other)).text, "second");
  t.is(await lockCount(), 1, "the lock is still there");

  // Another member without the right to rename it hears the rights refusal first, as without a lock.
  t.is((await other.client.post(`${docs}/d/${plan.id}/rename`, { name: "Mine.txt" })).status, 403);
  // A file coming back from the trash to a name someone holds a lock on (a name not used yet) is stopped too.
  t.is((await postMultipart(other.client, `${docs}/upload`, { folder: "", note: "" }, [{ name: "Draft.txt", data: Buffer.from("draft") }])).status, 302);
  const draft = await documentNamed("Draft.txt");
  t.is((await other.client.post(`${docs}/d/${draft.id}/delete`, {})).status, 302);
  const reserved = await dav("LOCK", `${base}/Draft.txt`, holder, {}, lockinfo());
  t.is(reserved.status, 201);
  t.is((await other.client.post(`${docs}/d/${draft.id}/restore`, {})).status, 423);
  t.truthy((await documentNamed("Draft.txt")).deleted_at, "still in the trash");
  t.is((await dav("UNLOCK", `${base}/Draft.txt`, holder, { "lock-token": `<${tokenOf(reserved)}>` })).status, 204);
  t.is((await other.client.post(`${docs}/d/${draft.id}/restore`, {})).status, 302, "unlocked: restored");
  // Other files are not concerned.
  t.is((await postMultipart(other.client, `${docs}/upload`, { folder: "", note: "" }, [{ name: "Other.txt", data: Buffer.from("x") }])).status, 302);

  // The holder, on the pages, is not stopped by their own lock.
  t.is((await postMultipart(holder.client, `${docs}/d/${plan.id}/versions`, { note: "from the web" }, [{ name: "Plan.txt", data: Buffer.from("third") }])).status, 302);
  t.is(await versionCount(plan.id), 3);
  // And over WebDAV the lock still asks for its token.
  t.is((await dav("PUT", `${base}/Plan.txt`, holder, { if: `(<${token}>)` }, "fourth")).status, 204);
});

test.serial("the file's page says who holds the lock since when; a moderator breaks it (audited), another member cannot", async (t) => {
  const plan = await documentNamed("Plan.txt");
  const page = await other.client.get(`${docs}/d/${plan.id}`);
  t.regex(page.text, /Locked by Hugo Holder since [^<]*2026/);
  t.false(page.text.includes("Break the lock"), "no button for a member");
  const frPage = await other.client.get(`${docs}/d/${plan.id}`, { "accept-language": "fr" });
  t.true(frPage.text.includes("Verrouillé par Hugo Holder depuis le"));
  const [lock] = await sql<{ id: number }>("SELECT id FROM documents_dav_locks");
  const refused = await other.client.post(`${docs}/d/${plan.id}/lock/break`, { lock: String(lock.id) });
  t.is(refused.status, 403);
  t.is(await lockCount(), 1, "another member cannot break it");
  t.is((await other.client.post(`${docs}/d/${plan.id}/lock/break`, { lock: String(lock.id) }, { csrf: false })).status, 403, "no form token: refused");
  t.is(await lockCount(), 1);

  const moderatorPage = await owner.client.get(`${docs}/d/${plan.id}`);
  t.true(moderatorPage.text.includes("Break the lock"));
  const broken = await owner.client.post(`${docs}/d/${plan.id}/lock/break`, { lock: String(lock.id) });
  t.is(broken.status, 302);
  t.is(await lockCount(), 0);
  const [entry] = await sql<{ actor_id: number; subject_id: string; details: string }>("SELECT actor_id, subject_id, details FROM audit_log WHERE action = 'documents.webdav-lock.broken'");
  t.is(Number(entry.actor_id), owner.userId);
  t.is(String(entry.subject_id), String(plan.id));
  t.regex(entry.details, new RegExp(`"holderId":${holder.userId}`));
  t.false((await owner.client.get(`${docs}/d/${plan.id}`)).text.includes("Locked by"), "the page no longer says it is locked");
  // Free again: the moderator renames it, and the old holder's token no longer lets anything through.
  t.is((await owner.client.post(`${docs}/d/${plan.id}/rename`, { name: "Renamed.txt" })).status, 302);
  t.is((await documentNamed("Renamed.txt"))?.id, plan.id);
});

test.serial("a folder locked with everything under it: its files and the folder itself stay put on the pages, for everyone but its holder", async (t) => {
  t.is((await owner.client.post(`${docs}/folders`, { name: "Plans", parent: "" })).status, 302);
  const plans = Number((await sql<{ id: number }>("SELECT id FROM documents_folders WHERE name = 'Plans'"))[0].id);
  t.is((await dav("PUT", `${base}/Plans/Budget.txt`, other, {}, "budget")).status, 201);
  const budget = await documentNamed("Budget.txt");
  const folderLock = await dav("LOCK", `${base}/Plans/`, owner, {}, lockinfo());
  t.is(folderLock.status, 200);
  // A moderator (another one: the site's admin holds every right) and the file's uploader are refused alike.
  const admin = await davPerson(app, "Ada Admin", "admin");
  t.is((await admin.client.post(`${docs}/f/${plans}/rename`, { name: "Old plans" })).status, 423);
  t.is((await admin.client.post(`${docs}/f/${plans}/delete`, {})).status, 423);
  t.is((await admin.client.post(`${docs}/f/${plans}/move`, { parent: String(Number((await sql<{ id: number }>("SELECT id FROM documents_folders WHERE name = 'Archive'"))[0].id)) })).status, 423);
  t.is((await other.client.post(`${docs}/d/${budget.id}/rename`, { name: "Costs.txt" })).status, 423, "a file under the folder");
  t.is((await postMultipart(other.client, `${docs}/upload`, { folder: String(plans), note: "" }, [{ name: "New.txt", data: Buffer.from("x") }])).status, 423, "a new file into it");
  const outside = await documentNamed("Other.txt");
  t.is((await other.client.post(`${docs}/d/${outside.id}/move`, { folder: String(plans) })).status, 423, "a file moved into it");
  t.is((await documentNamed("Other.txt")).folder_id, null);
  t.deepEqual((await sql<{ name: string }>("SELECT name FROM documents WHERE folder_id = :id AND deleted_at IS NULL", { id: plans })).map((row) => row.name), ["Budget.txt"]);
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents_folders WHERE name = 'Plans'"))[0].n), 1);
  const filePage = await other.client.get(`${docs}/d/${budget.id}`);
  t.true(filePage.text.includes("Locked by Olivia Owner since") && filePage.text.includes("The whole folder is locked."));

  // Its holder renames it on the page; the lock stays with the old address and ends.
  t.is((await owner.client.post(`${docs}/f/${plans}/rename`, { name: "Old plans" })).status, 302);
  t.is((await other.client.post(`${docs}/d/${budget.id}/rename`, { name: "Costs.txt" })).status, 302);
  t.is((await dav("MKCOL", `${base}/Plans`, admin)).status, 201, "the old address is free");
  t.is(await lockCount(), 0, "and the lock left there ended");
});

test.serial("a locked file in a folder for moderators only: its uploader, who no longer sees it, gets the route's 404, not the lock's holder", async (t) => {
  t.is((await owner.client.post(`${docs}/folders`, { name: "Board", parent: "" })).status, 302);
  const board = Number((await sql<{ id: number }>("SELECT id FROM documents_folders WHERE name = 'Board'"))[0].id);
  t.is((await postMultipart(other.client, `${docs}/upload`, { folder: String(board), note: "" }, [{ name: "Agenda.txt", data: Buffer.from("agenda") }])).status, 302);
  const agenda = await documentNamed("Agenda.txt");
  t.is((await owner.client.post(`${docs}/f/${board}/restrict`, { restricted: "1" })).status, 302);
  t.is((await dav("LOCK", `${base}/Board/Agenda.txt`, owner, {}, lockinfo())).status, 200);
  const renamed = await other.client.post(`${docs}/d/${agenda.id}/rename`, { name: "Mine.txt" });
  t.is(renamed.status, 404);
  t.false(renamed.text.includes("Olivia Owner"), "nothing about the lock or its holder");
  t.is((await documentNamed("Agenda.txt")).name, "Agenda.txt");
});
