import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { addMember, createGroup, type CreatedGroup } from "../../groups/test/helpers.ts";
import { davPerson, davRequest, lockinfo, sqlOf, windowsTimes, type DavPerson } from "./webdav-helpers.ts";

// WebDAV answers from the pages' checks: an archived group is read only over WebDAV too (every write 403, every
// read as before), and folders for moderators only are invisible to everyone else (not listed, 404 to open).

let app: TestApp;
let owner: DavPerson; // the groups' owner: a moderator
let member: DavPerson;
let archived: CreatedGroup;
let handbook: CreatedGroup;
let sql: ReturnType<typeof sqlOf>;

test.before(async () => {
  app = await startApp();
  sql = sqlOf(app);
  const siteAdmin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "documents"]) if ((await siteAdmin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(id);
  owner = await davPerson(app, "Olivia Owner");
  member = await davPerson(app, "Max Member");
  archived = await createGroup(owner.client, { name: "Old Project", visibility: "private" });
  handbook = await createGroup(owner.client, { name: "Handbook", visibility: "private" });
  for (const group of [archived, handbook]) {
    await addMember(group.id, member.userId, "member");
    if ((await owner.client.post(`${group.url}/modules/documents`, { state: "enabled" })).status !== 302) throw new Error("switch");
  }
});
test.after.always(async () => {
  await app?.close();
});

const dav = (...args: Parameters<typeof davRequest> extends [string, ...infer Rest] ? Rest : never) => davRequest(app.url, ...args);
const live = async (containerId: number) =>
  (await sql<{ name: string }>("SELECT name FROM documents WHERE container_id = :id AND deleted_at IS NULL ORDER BY name", { id: containerId })).map((row) => row.name);

test.serial("an archived group over WebDAV: listed and read as before; PUT, MKCOL, MOVE, DELETE, LOCK, PROPPATCH refused (403)", async (t) => {
  const base = `/dav/documents/${archived.slug}`;
  t.is((await dav("MKCOL", `${base}/Minutes`, owner)).status, 201);
  t.is((await dav("PUT", `${base}/Minutes/first.txt`, member, {}, "kept")).status, 201);
  t.is((await dav("PUT", `${base}/plan.txt`, owner, {}, "the plan")).status, 201);
  t.is((await owner.client.post(`${archived.url}/archive`, {})).status, 302);

  for (const who of [owner, member]) {
    const root = await dav("PROPFIND", "/dav/documents/", who, { depth: "1" });
    t.true(root.text.includes(`<d:href>${base}/</d:href>`), "still listed");
    const listing = await dav("PROPFIND", `${base}/`, who, { depth: "1" });
    t.is(listing.status, 207);
    t.true(listing.text.includes(`<d:href>${base}/plan.txt</d:href>`) && listing.text.includes(`<d:href>${base}/Minutes/</d:href>`));
    t.is((await dav("GET", `${base}/Minutes/first.txt`, who)).text, "kept");
  }
  // The owner, a moderator who may do everything in a live group, and the file's own uploader: refused alike.
  for (const who of [owner, member]) {
    t.is((await dav("PUT", `${base}/plan.txt`, who, {}, "changed")).status, 403);
    t.is((await dav("PUT", `${base}/new.txt`, who, {}, "new")).status, 403);
    t.is((await dav("PUT", `${base}/Minutes/first.txt`, who, {}, "changed")).status, 403);
    t.is((await dav("MKCOL", `${base}/Another`, who)).status, 403);
    t.is((await dav("MOVE", `${base}/plan.txt`, who, { destination: `${base}/renamed.txt` })).status, 403);
    t.is((await dav("MOVE", `${base}/Minutes`, who, { destination: `${base}/Renamed` })).status, 403);
    t.is((await dav("DELETE", `${base}/Minutes/first.txt`, who)).status, 403);
    t.is((await dav("DELETE", `${base}/Minutes`, who)).status, 403);
    t.is((await dav("LOCK", `${base}/plan.txt`, who, {}, lockinfo())).status, 403);
    t.is((await dav("PROPPATCH", `${base}/plan.txt`, who, {}, windowsTimes)).status, 403);
  }
  t.deepEqual(await live(archived.id), ["first.txt", "plan.txt"]);
  t.deepEqual((await sql<{ name: string }>("SELECT name FROM documents_folders WHERE container_id = :id", { id: archived.id })).map((row) => row.name), ["Minutes"]);
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents_versions v JOIN documents d ON d.id = v.document_id WHERE d.container_id = :id", { id: archived.id }))[0].n), 2);
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents_dav_locks"))[0].n), 0);
  t.is((await dav("GET", `${base}/plan.txt`, member)).text, "the plan");
});

test.serial("a folder for moderators only: not listed, 404 to read or write under it for members; moderators see and open it", async (t) => {
  const base = `/dav/documents/${handbook.slug}`;
  t.is((await dav("MKCOL", `${base}/Board`, owner)).status, 201);
  t.is((await dav("MKCOL", `${base}/Board/Salaries`, owner)).status, 201);
  t.is((await dav("PUT", `${base}/Board/minutes.txt`, owner, {}, "confidential")).status, 201);
  t.is((await dav("PUT", `${base}/Board/Salaries/2027.txt`, owner, {}, "numbers")).status, 201);
  t.is((await dav("PUT", `${base}/open.txt`, member, {}, "for all")).status, 201);
  const [board] = await sql<{ id: number }>("SELECT id FROM documents_folders WHERE name = 'Board'");
  t.is((await owner.client.post(`${handbook.url}/documents/f/${board.id}/restrict`, { restricted: "1" })).status, 302);

  const listing = await dav("PROPFIND", `${base}/`, member, { depth: "1" });
  t.is(listing.status, 207);
  t.true(listing.text.includes(`${base}/open.txt`));
  t.false(listing.text.includes("Board"), "not listed");
  for (const path of ["Board/", "Board", "Board/minutes.txt", "Board/Salaries/", "Board/Salaries/2027.txt"]) {
    t.is((await dav("PROPFIND", `${base}/${path}`, member, { depth: "0" })).status, 404, `PROPFIND ${path}`);
  }
  for (const path of ["Board/minutes.txt", "Board/Salaries/2027.txt"]) {
    const got = await dav("GET", `${base}/${path}`, member);
    t.is(got.status, 404, `GET ${path}`);
    t.false(got.text.includes("confidential") || got.text.includes("numbers"));
    t.is((await dav("HEAD", `${base}/${path}`, member)).status, 404);
  }
  // Writes under it answer as under a folder that does not exist; nothing is written, nothing moves.
  t.is((await dav("PUT", `${base}/Board/minutes.txt`, member, {}, "overwritten")).status, 409);
  t.is((await dav("PUT", `${base}/Board/new.txt`, member, {}, "new")).status, 409);
  t.is((await dav("DELETE", `${base}/Board/minutes.txt`, member)).status, 404);
  t.is((await dav("MOVE", `${base}/open.txt`, member, { destination: `${base}/Board/open.txt` })).status, 409);
  t.is((await dav("LOCK", `${base}/Board/minutes.txt`, member, {}, lockinfo())).status, 409);
  t.is((await dav("PROPPATCH", `${base}/Board/minutes.txt`, member, {}, windowsTimes)).status, 404);
  t.deepEqual(await live(handbook.id), ["2027.txt", "minutes.txt", "open.txt"]);
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents_versions"))[0].n), 5, "no version added");

  // The owner, a moderator: listed, opened, read.
  const seen = await dav("PROPFIND", `${base}/`, owner, { depth: "1" });
  t.true(seen.text.includes(`<d:href>${base}/Board/</d:href>`));
  t.true((await dav("PROPFIND", `${base}/Board/`, owner, { depth: "1" })).text.includes(`<d:href>${base}/Board/Salaries/</d:href>`));
  t.is((await dav("GET", `${base}/Board/Salaries/2027.txt`, owner)).text, "numbers");
});
