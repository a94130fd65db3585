import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { QueryTypes } from "sequelize";
import { filesUnder, pngImage, postMultipart, type TestFile } from "../../../test/attachments/helpers.ts";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { queueDrained, waitUntil } from "../../../test/notifications/helpers.ts";
import { addMember, createGroup } from "../../groups/test/helpers.ts";

// The documents module with its files in an S3-compatible bucket (AGORA_S3_*), served by s3rver on
// loopback: uploads land in the bucket (none on disk), downloads and ranges, versions, the ZIP, an
// interrupted upload leaving nothing, and the purge taking the objects away.

const bucket = "agora-test";
let server: S3rver;
let directory: string;
let s3: S3Client;
let app: TestApp;
let owner: { client: Client; userId: number };
let member: { client: Client; userId: number };
let outsider: Client;
/** While set, the S3 server refuses the second part of every multipart upload; the aborts it receives are counted. */
let failSecondPart = false;
let aborts = 0;
let docs: string;

test.before(async () => {
  directory = mkdtempSync(path.join(os.tmpdir(), "agora-s3-"));
  server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  // s3rver is a Koa app: a middleware in front of its routes.
  type Middleware = (ctx: { method: string; query: Record<string, unknown>; status: number }, next: () => Promise<void>) => Promise<void>;
  (server as unknown as { middleware: Middleware[] }).middleware.unshift(async (ctx, next) => {
    if (ctx.method === "DELETE" && ctx.query.uploadId) aborts += 1;
    if (failSecondPart && ctx.method === "PUT" && ctx.query.partNumber === "2") {
      ctx.status = 500;
      return;
    }
    await next();
  });
  const { port } = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  s3 = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
  app = await startApp({
    AGORA_JOBS_POLL_MS: "50",
    AGORA_S3_BUCKET: bucket,
    AGORA_S3_ENDPOINT: endpoint,
    AGORA_S3_ACCESS_KEY_ID: "S3RVER",
    AGORA_S3_SECRET_ACCESS_KEY: "S3RVER",
    AGORA_S3_PREFIX: "site/",
  });
  const admin = (await app.signedIn("admin")).client;
  owner = await app.signedIn("member", { displayName: "Olivia Owner" });
  member = await app.signedIn("member", { displayName: "Max Member" });
  outsider = (await app.signedIn("member", { displayName: "Otto Outsider" })).client;
  if ((await admin.post("/admin/modules/groups/enable", { state: "enabled" })).status !== 302) throw new Error("groups");
  const group = await createGroup(owner.client, { name: "Bucketed", visibility: "secret" });
  if ((await admin.post("/admin/modules/documents/enable", { state: "enabled" })).status !== 302) throw new Error("documents");
  await addMember(group.id, member.userId, "member");
  // The site switch reaches every part of the app in a moment.
  await waitUntil(async () => (await owner.client.get(`${group.url}/modules`)).status === 200, "the group's modules page");
  const switched = await owner.client.post(`${group.url}/modules/documents`, { state: "enabled" });
  if (switched.status !== 302) throw new Error(`group switch: ${switched.status} ${switched.text.slice(0, 3000)}`);
  docs = `${group.url}/documents`;
});
test.after.always(async () => {
  await app?.close();
  s3?.destroy();
  await server?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
const text = (value: string, name: string): TestFile => ({ name, data: Buffer.from(value), type: "text/plain" });
const upload = (files: TestFile[], fields: Record<string, string> = {}) => postMultipart(member.client, `${docs}/upload`, { folder: "", note: "", ...fields }, files);
const documentNamed = async (name: string) => (await sql<{ id: number; current_version_id: number }>("SELECT id, current_version_id FROM documents WHERE name = :name", { name }))[0];

/** Every key in the bucket. */
async function objects(): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listed.Contents ?? []).map((object) => object.Key!).sort();
}

/** The storage keys of a document's versions' files (and thumbnails). */
async function keysOf(documentId: number): Promise<string[]> {
  const rows = await sql<{ storage_key: string; thumbnail_key: string | null }>(
    "SELECT f.storage_key, f.thumbnail_key FROM module_files f JOIN documents_versions v ON v.file_id = f.id WHERE v.document_id = :documentId",
    { documentId },
  );
  return rows.flatMap((row) => [row.storage_key, row.thumbnail_key]).filter((key): key is string => Boolean(key)).map((key) => `site/${key}`);
}

async function bytesOf(path: string, headers: Record<string, string> = {}) {
  const cookies = (member.client as unknown as { cookies: Map<string, string> }).cookies;
  const response = await fetch(app.url + path, { headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; "), ...headers }, redirect: "manual" });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

test.serial("files go to the bucket, never to the uploads dir; downloads, ranges, versions and the ZIP read them back", async (t) => {
  t.deepEqual(await objects(), []);
  const big = Buffer.alloc(9 * 1024 * 1024, "abcdefghij"); // over one 8 MB part: a multipart upload
  t.is((await upload([text("first draft", "Plan.txt"), { name: "photo.png", data: await pngImage(40, 30) }, { name: "big.txt", data: big, type: "text/plain" }])).status, 302);
  const plan = await documentNamed("Plan.txt");
  const photo = await documentNamed("photo.png");
  const large = await documentNamed("big.txt");
  const stored = [...(await keysOf(plan.id)), ...(await keysOf(photo.id)), ...(await keysOf(large.id))].sort();
  t.is(stored.length, 4, "three files and the image's thumbnail");
  t.deepEqual(await objects(), stored);
  t.deepEqual(filesUnder(path.join(app.config.uploadsDir, "modules")), [], "nothing on disk");
  t.deepEqual(filesUnder(path.join(app.config.uploadsDir, "tmp")), [], "no temporary file left");

  const download = await bytesOf(`${docs}/d/${plan.id}/download`);
  t.is(download.status, 200);
  t.is(download.body.toString(), "first draft");
  t.is(download.headers.get("accept-ranges"), "bytes");
  const ranged = await bytesOf(`${docs}/d/${plan.id}/download`, { range: "bytes=0-4" });
  t.is(ranged.status, 206);
  t.is(ranged.headers.get("content-range"), "bytes 0-4/11");
  t.is(ranged.body.toString(), "first");
  const tail = await bytesOf(`${docs}/d/${large.id}/download`, { range: "bytes=-10" });
  t.is(tail.status, 206);
  t.is(tail.headers.get("content-range"), `bytes ${big.length - 10}-${big.length - 1}/${big.length}`);
  t.is(tail.body.toString(), big.subarray(big.length - 10).toString());
  t.true((await bytesOf(`${docs}/d/${large.id}/download`)).body.equals(big), "the multipart upload reads back whole");
  t.is((await bytesOf(`${docs}/d/${plan.id}/download`, { range: "bytes=50-" })).status, 416);
  const etag = download.headers.get("etag")!;
  t.is((await bytesOf(`${docs}/d/${plan.id}/download`, { "if-none-match": etag, "cache-control": "max-age=0" })).status, 304);
  t.is((await outsider.get(`${docs}/d/${plan.id}/download`)).status, 404, "not a member: nothing read from the bucket for them");

  // A second version: both in the bucket, each downloads.
  t.is((await upload([text("second draft", "Plan.txt")])).status, 302);
  const versions = await sql<{ id: number }>("SELECT id FROM documents_versions WHERE document_id = :id ORDER BY id", { id: plan.id });
  t.is(versions.length, 2);
  t.is((await bytesOf(`${docs}/d/${plan.id}/download`)).body.toString(), "second draft");
  t.is((await bytesOf(`${docs}/d/${plan.id}/download?version=${versions[0].id}`)).body.toString(), "first draft");
  t.is((await objects()).length, 5);

  const zip = await bytesOf(`${docs}/zip`);
  t.is(zip.status, 200);
  t.true(zip.body.includes(Buffer.from("second draft")), "the ZIP reads the current version from the bucket");
});

test.serial("an interrupted upload leaves nothing behind: no object, no row, no temporary file", async (t) => {
  const before = await objects();
  const rows = Number((await sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM module_files"))[0].n);
  const client = member.client as unknown as { cookies: Map<string, string>; csrfToken: string };
  const boundary = "----agora-cut";
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="folder"\r\n\r\n\r\n--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="cut.txt"\r\nContent-Type: text/plain\r\n\r\n`;
  const url = new URL(`${docs}/upload?_csrf=${encodeURIComponent(client.csrfToken)}`, app.url);
  await new Promise<void>((resolve) => {
    const request = httpRequest(url, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(head.length + 5 * 1024 * 1024), cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    request.on("error", () => resolve());
    request.write(head);
    request.write("x".repeat(512 * 1024));
    setTimeout(() => {
      request.destroy();
      resolve();
    }, 300);
  });
  await waitUntil(async () => filesUnder(path.join(app.config.uploadsDir, "tmp")).length === 0, "the temporary file to go", 5000);
  t.deepEqual(await objects(), before);
  t.is(Number((await sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM module_files"))[0].n), rows);
  t.falsy(await documentNamed("cut.txt"));

  // The bucket fails in the middle of a multipart upload: the upload is aborted (no parts kept), the form refused, nothing written.
  failSecondPart = true;
  const failed = await upload([{ name: "huge.txt", data: Buffer.alloc(17 * 1024 * 1024, "k"), type: "text/plain" }]);
  failSecondPart = false;
  t.is(failed.status, 500);
  t.true(aborts > 0, "the multipart upload was aborted");
  t.falsy(await documentNamed("huge.txt"));
  t.deepEqual(await objects(), before);
  t.is(Number((await sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM module_files"))[0].n), rows);
  await waitUntil(async () => filesUnder(path.join(app.config.uploadsDir, "tmp")).length === 0, "the temporary file to go", 5000);

  // A refused file (a page disguised as text) writes nothing to the bucket either.
  const refused = await upload([text("fine", "fine.txt"), { name: "page.txt", data: Buffer.from("<!doctype html><html><script>alert(1)</script></html>"), type: "text/plain" }]);
  t.not(refused.status, 302);
  t.falsy(await documentNamed("fine.txt"));
  t.deepEqual(await objects(), before);
});

test.serial("the purge of the trash deletes the objects of the documents it deletes, and only those", async (t) => {
  t.is((await upload([text("to bin", "Old.txt")])).status, 302);
  const old = await documentNamed("Old.txt");
  const keys = await keysOf(old.id);
  t.is(keys.length, 1);
  t.true((await objects()).includes(keys[0]));
  const others = (await objects()).filter((key) => !keys.includes(key));
  t.is((await member.client.post(`${docs}/d/${old.id}/delete`, {})).status, 302);
  t.true((await objects()).includes(keys[0]), "in the trash the object stays (restorable)");
  await app.app.sequelize.query("UPDATE documents SET deleted_at = :at WHERE id = :id", { replacements: { at: new Date(Date.now() - 31 * 24 * 3600_000), id: old.id } });
  const { enqueueJob } = await import("../../../core/jobs/queue.ts");
  await enqueueJob("documents.every.purge-trash", { period: Date.now() }, { key: `documents-s3-test:${Date.now()}` });
  await queueDrained();
  t.falsy(await documentNamed("Old.txt"));
  t.deepEqual(await objects(), others, "its object went; the others stay");
});
