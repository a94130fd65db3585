import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { filesUnder } from "../../../test/attachments/helpers.ts";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { waitUntil } from "../../../test/notifications/helpers.ts";
import { addMember, createGroup, type CreatedGroup } from "../../groups/test/helpers.ts";
import { davPerson, davRequest, finderProps, lockinfo, sqlOf, tokenOf, type DavPerson } from "./webdav-helpers.ts";

// The WebDAV flows with the files in an S3-compatible bucket (s3rver on loopback, as s3-storage.test.ts): a new
// file, a save over it (a version), reads and ranges, Finder's empty-file-first copy, a move, a delete to the
// trash, a refused file leaving no object; nothing ever lands in the uploads dir.

const bucket = "agora-dav";
let server: S3rver;
let directory: string;
let s3: S3Client;
let app: TestApp;
let owner: DavPerson;
let member: DavPerson;
let group: CreatedGroup;
let base: string;
let sql: ReturnType<typeof sqlOf>;

test.before(async () => {
  directory = mkdtempSync(path.join(os.tmpdir(), "agora-dav-s3-"));
  server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  const { port } = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  s3 = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
  app = await startApp({ AGORA_S3_BUCKET: bucket, AGORA_S3_ENDPOINT: endpoint, AGORA_S3_ACCESS_KEY_ID: "S3RVER", AGORA_S3_SECRET_ACCESS_KEY: "S3RVER", AGORA_S3_PREFIX: "dav/" });
  sql = sqlOf(app);
  const admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "documents"]) if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(id);
  owner = await davPerson(app, "Olivia Owner");
  member = await davPerson(app, "Max Member");
  group = await createGroup(owner.client, { name: "Bucketed", visibility: "private" });
  await addMember(group.id, member.userId, "member");
  await waitUntil(async () => (await owner.client.get(`${group.url}/modules`)).status === 200, "the group's modules page");
  if ((await owner.client.post(`${group.url}/modules/documents`, { state: "enabled" })).status !== 302) throw new Error("switch");
  base = `/dav/documents/${group.slug}`;
});
test.after.always(async () => {
  await app?.close();
  s3?.destroy();
  await server?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

const dav = (...args: Parameters<typeof davRequest> extends [string, ...infer Rest] ? Rest : never) => davRequest(app.url, ...args);
async function objects(): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listed.Contents ?? []).map((object) => object.Key!).sort();
}
const storedKeys = async () =>
  (await sql<{ storage_key: string }>("SELECT f.storage_key FROM module_files f JOIN documents_versions v ON v.file_id = f.id")).map((row) => `dav/${row.storage_key}`).sort();

test.serial("over WebDAV with a bucket: create, save over, read and ranges, Finder's copy, move, delete; only the bucket holds bytes", async (t) => {
  t.is((await dav("PUT", `${base}/Plan.txt`, member, {}, "first draft")).status, 201);
  t.is((await dav("PUT", `${base}/Plan.txt`, member, {}, "second draft")).status, 204);
  t.is((await dav("GET", `${base}/Plan.txt`, owner)).text, "second draft");
  const ranged = await dav("GET", `${base}/Plan.txt`, owner, { range: "bytes=7-11" });
  t.is(ranged.status, 206);
  t.is(ranged.text, "draft");
  const listing = await dav("PROPFIND", `${base}/`, owner, { depth: "1" });
  t.true(listing.text.includes("<d:getcontentlength>12</d:getcontentlength>"));
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents_versions"))[0].n), 2);

  // Finder: an empty file first (an empty object), locked, then its bytes.
  t.is((await dav("PUT", `${base}/Notes.txt`, member, { "content-length": "0" }, "")).status, 201);
  t.is((await dav("GET", `${base}/Notes.txt`, owner)).text, "", "the empty file reads back from the bucket");
  const locked = await dav("LOCK", `${base}/Notes.txt`, member, { timeout: "Second-600" }, lockinfo());
  const token = tokenOf(locked);
  t.is((await dav("PUT", `${base}/Notes.txt`, member, { if: `(<${token}>)` }, ["chunked ", "notes"])).status, 204);
  t.is((await dav("PROPPATCH", `${base}/Notes.txt`, member, { if: `(<${token}>)` }, finderProps)).status, 207);
  t.is((await dav("UNLOCK", `${base}/Notes.txt`, member, { "lock-token": `<${token}>` })).status, 204);
  t.is((await dav("GET", `${base}/Notes.txt`, owner)).text, "chunked notes");

  // A move and a delete (to the trash: its objects stay, restorable).
  t.is((await dav("MKCOL", `${base}/Archive`, owner)).status, 201);
  t.is((await dav("MOVE", `${base}/Plan.txt`, member, { destination: `${base}/Archive/Plan 2027.txt` })).status, 201);
  t.is((await dav("GET", `${base}/Archive/Plan%202027.txt`, owner)).text, "second draft");
  t.is((await dav("DELETE", `${base}/Notes.txt`, member)).status, 204);
  t.is((await dav("GET", `${base}/Notes.txt`, owner)).status, 404);

  // A refused file (a disguised program, over the size limit) leaves no object.
  const before = await objects();
  t.is((await dav("PUT", `${base}/disguised.txt`, member, {}, Buffer.from("4d5a90000300000004000000ffff0000", "hex"))).status, 415);
  t.deepEqual(await objects(), before);

  t.is((await objects()).length, 4, "two versions of the plan, the empty notes and their bytes, nothing else");
  t.deepEqual(await objects(), await storedKeys(), "every object is a stored version's file");
  t.deepEqual(filesUnder(path.join(app.config.uploadsDir, "modules")), [], "nothing on disk");
  t.deepEqual(filesUnder(path.join(app.config.uploadsDir, "tmp")), [], "no temporary file left");
});
