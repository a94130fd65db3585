import test from "ava";
import { postMultipart } from "../../../test/attachments/helpers.ts";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { CreatedGroup } from "../../groups/test/helpers.ts";
import { davRequest, davStage, finderProps, lockinfo, sqlOf, tokenOf, windowsTimes, type DavPerson } from "./webdav-helpers.ts";

// What real clients send, request by request: macOS Finder's copy (an empty PUT, LOCK, the bytes, PROPPATCH,
// UNLOCK) and Windows' (LOCK on a new name, an empty PUT, the bytes, UNLOCK); empty files on the web page too.

let app: TestApp;
let owner: DavPerson;
let member: DavPerson;
let handbook: CreatedGroup;
let base: string;
let sql: ReturnType<typeof sqlOf>;

test.before(async () => {
  app = await startApp();
  sql = sqlOf(app);
  ({ owner, members: [member], groups: [handbook] } = await davStage(app, ["Handbook"], ["Max Member"]));
  base = `/dav/documents/${handbook.slug}`;
});
test.after.always(async () => {
  await app?.close();
});

const dav = (...args: Parameters<typeof davRequest> extends [string, ...infer Rest] ? Rest : never) => davRequest(app.url, ...args);
const versionsOf = (name: string) =>
  sql<{ size: number; mime: string }>("SELECT v.size, v.mime FROM documents_versions v JOIN documents d ON d.id = v.document_id WHERE d.name = :name AND d.deleted_at IS NULL ORDER BY v.id", { name });

test.serial("macOS Finder's copy: an empty PUT, LOCK, the bytes with the token (chunked), PROPPATCH, UNLOCK", async (t) => {
  t.is((await dav("PROPFIND", `${base}/Budget.txt`, member, { depth: "0" })).status, 404, "Finder looks first");
  const created = await dav("PUT", `${base}/Budget.txt`, member, { "content-length": "0", "content-type": "application/octet-stream" }, "");
  t.is(created.status, 201, "the empty file is made");
  const locked = await dav("LOCK", `${base}/Budget.txt`, member, { timeout: "Second-600", depth: "0", "content-type": "text/xml; charset=utf-8" }, lockinfo());
  t.is(locked.status, 200);
  const token = tokenOf(locked);
  t.is((await dav("PUT", `${base}/Budget.txt`, owner, {}, "someone else")).status, 423, "locked while Finder writes");
  const written = await dav("PUT", `${base}/Budget.txt`, member, { if: `(<${token}>)`, "x-expected-entity-length": "20", "content-type": "application/octet-stream" }, ["total: 1,200 ", "euros\n"]);
  t.is(written.status, 204);
  const patched = await dav("PROPPATCH", `${base}/Budget.txt`, member, { if: `(<${token}>)`, "content-type": "text/xml; charset=utf-8" }, finderProps);
  t.is(patched.status, 207);
  t.is((await dav("UNLOCK", `${base}/Budget.txt`, member, { "lock-token": `<${token}>` })).status, 204);

  const got = await dav("GET", `${base}/Budget.txt`, owner);
  t.is(got.text, "total: 1,200 euros\n");
  t.deepEqual(
    (await versionsOf("Budget.txt")).map((version) => ({ size: Number(version.size), mime: version.mime })),
    [
      { size: 0, mime: "text/plain" },
      { size: 19, mime: "text/plain" },
    ],
    "the empty start and the bytes: two versions of one document",
  );
  const [{ n: entries }] = await sql<{ n: number }>(
    "SELECT COUNT(DISTINCT v.batch_id) AS n FROM documents_versions v JOIN documents d ON d.id = v.document_id WHERE d.name = 'Budget.txt' AND v.batch_id IS NOT NULL",
  );
  t.is(Number(entries), 1, "one stream entry for the copy, not one per PUT");
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents_dav_locks"))[0].n), 0);

  // An empty file of a type that cannot be sniffed yet (a photo on its way) is plain bytes until its content comes.
  t.is((await dav("PUT", `${base}/Photo.jpg`, member, {}, "")).status, 201);
  const empty = await dav("GET", `${base}/Photo.jpg`, member);
  t.is(empty.status, 200);
  t.is(empty.text, "");
  t.is(empty.headers.get("content-type"), "application/octet-stream");
  t.regex(empty.headers.get("content-disposition") ?? "", /^attachment/);
  t.is((await dav("GET", `${base}/Photo.jpg`, member, { range: "bytes=0-" })).status, 416, "no byte of an empty file can be asked for");
  t.is((await dav("GET", `${base}/Photo.jpg`, member, { range: "bytes=-10" })).status, 416);
});

test.serial("Windows' new file: LOCK on a name not used yet, an empty PUT, the bytes, PROPPATCH, UNLOCK", async (t) => {
  const locked = await dav("LOCK", `${base}/Minutes.txt`, member, { timeout: "Second-3600", "content-type": "text/xml; charset=\"utf-8\"" }, lockinfo(`${member.username}`));
  t.is(locked.status, 201);
  const token = tokenOf(locked);
  t.is((await dav("PUT", `${base}/Minutes.txt`, owner, {}, "")).status, 423, "the name is reserved");
  t.is((await dav("PUT", `${base}/Minutes.txt`, member, { if: `(<${token}>)`, "content-length": "0" }, "")).status, 201);
  t.is((await dav("PUT", `${base}/Minutes.txt`, member, { if: `<${app.url}${base}/Minutes.txt> (<${token}>)` }, "Decisions: none.\r\n")).status, 204);
  t.is((await dav("PROPPATCH", `${base}/Minutes.txt`, member, { if: `(<${token}>)` }, windowsTimes)).status, 207);
  t.is((await dav("UNLOCK", `${base}/Minutes.txt`, member, { "lock-token": `<${token}>` })).status, 204);
  t.is((await dav("GET", `${base}/Minutes.txt`, owner)).text, "Decisions: none.\r\n");
  t.deepEqual((await versionsOf("Minutes.txt")).map((version) => Number(version.size)), [0, 18]);
});

test.serial("the web page takes an empty file too (an empty .txt is a file like another); posts still refuse them", async (t) => {
  const sent = await postMultipart(member.client, `${handbook.url}/documents/upload`, { folder: "", note: "" }, [{ name: "todo.txt", data: Buffer.alloc(0), type: "text/plain" }]);
  t.is(sent.status, 302);
  t.deepEqual((await versionsOf("todo.txt")).map((version) => ({ size: Number(version.size), mime: version.mime })), [{ size: 0, mime: "text/plain" }]);
  const [document] = await sql<{ id: number }>("SELECT id FROM documents WHERE name = 'todo.txt'");
  const page = await member.client.get(`${handbook.url}/documents/d/${document.id}`);
  t.is(page.status, 200);
  t.true(page.text.includes("todo.txt"));
  // A new version may be empty as well (a file emptied on purpose).
  const emptied = await postMultipart(member.client, `${handbook.url}/documents/d/${(await sql<{ id: number }>("SELECT id FROM documents WHERE name = 'Budget.txt'"))[0].id}/versions`, { note: "cleared" }, [{ name: "Budget.txt", data: Buffer.alloc(0) }]);
  t.is(emptied.status, 302);
  t.deepEqual((await versionsOf("Budget.txt")).map((version) => Number(version.size)), [0, 19, 0]);
  t.is((await dav("GET", `${base}/Budget.txt`, owner)).text, "");

  const post = await postMultipart(member.client, "/posts", { target: `group:${handbook.id}`, title: "Empty", body: "An empty file" }, [{ name: "empty.txt", data: Buffer.alloc(0) }]);
  t.not(post.status, 302, "a post's empty attachment is refused");
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM attachments"))[0].n), 0);
});

test.serial("saves over WebDAV: one person's saves of a document within the hour are one stream entry; another person's save is news", async (t) => {
  const entries = async () => Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM contents WHERE type = 'documents-batch' AND container_id = :id", { id: handbook.id }))[0].n);
  const before = await entries();
  t.is((await dav("PUT", `${base}/Retro.txt`, member, {}, "draft 1")).status, 201);
  t.is(await entries(), before + 1, "a new file is news");
  for (const draft of ["draft 2", "draft 3", "draft 4"]) t.is((await dav("PUT", `${base}/Retro.txt`, member, {}, draft)).status, 204);
  t.is(await entries(), before + 1, "the same person's saves add versions, not entries");
  t.is((await versionsOf("Retro.txt")).length, 4, "every save is a version");
  t.is((await dav("PUT", `${base}/Retro.txt`, owner, {}, "reviewed")).status, 204);
  t.is(await entries(), before + 2, "someone else's save is news");
  t.is((await dav("GET", `${base}/Retro.txt`, member)).text, "reviewed");
});
