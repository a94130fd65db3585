import { readFileSync } from "node:fs";
import path from "node:path";
import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { filesUnder, pngImage, postMultipart } from "../attachments/helpers.ts";
import { addMember, createGroup, type CreatedGroup } from "../../modules/groups/test/helpers.ts";

// host.files (core/content/attachments/module-files.ts) through test/fixtures/modules/fixture-files: an entry
// carrying an uploaded file, a file made from bytes, downloads with ranges after the module's own check.
let app: TestApp;
let author: { client: Client; userId: number };
let reader: { client: Client; userId: number };
let outsider: { client: Client; userId: number };
let secret: CreatedGroup;
let open: CreatedGroup;
const text = "0123456789abcdefghij";

test.before(async () => {
  app = await startApp({ AGORA_UPLOAD_LIMIT_MB: "1" });
  const admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "fixture-files"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  author = await app.signedIn("member");
  reader = await app.signedIn("member");
  outsider = await app.signedIn("member");
  secret = await createGroup(author.client, { name: "File vault", visibility: "secret" });
  open = await createGroup(author.client, { name: "File plaza", visibility: "open" });
  await addMember(secret.id, reader.userId);
  for (const group of [secret, open]) await app.app.registry.setContainerState("fixture-files", { type: "group", id: group.id, slug: group.slug, name: "" }, "enabled");
});
test.after.always(() => app?.close());

const moduleDir = () => path.join(app.config.uploadsDir, "modules", "fixture-files");
const rows = async () => (await import("../../core/models/module-file.ts")).ModuleFile.findAll({ order: [["id", "ASC"]] });
const download = (client: Client, group: CreatedGroup, id: number, headers: Record<string, string> = {}) => client.get(`${group.url}/fixture-files/${id}/download`, headers);

async function upload(name: string, data: Buffer | string, group = secret) {
  const response = await postMultipart(author.client, `${group.url}/fixture-files`, {}, [{ name, data: Buffer.from(data) }]);
  if (response.status !== 201) throw new Error(`upload refused: ${response.status} ${response.text.slice(0, 300)}`);
  return JSON.parse(response.text) as { contentId: number; fileId: number; name: string; mime: string; size: number };
}

test.serial("an upload is stored under the module's folder with its row; a reader downloads the same bytes with safe headers", async (t) => {
  const stored = await upload("notes.txt", text);
  t.like(stored, { name: "notes.txt", mime: "text/plain", size: 20 });
  const [row] = await rows();
  t.like(row?.get({ plain: true }), { id: stored.fileId, moduleId: "fixture-files", contentId: stored.contentId, uploaderId: author.userId, originalName: "notes.txt" });
  t.regex(row!.storageKey, /^modules\/fixture-files\/\d{4}\/\d{2}\/[0-9a-f-]{36}$/);
  t.is(readFileSync(path.join(app.config.uploadsDir, row!.storageKey), "utf8"), text);

  const answer = await download(reader.client, secret, stored.fileId);
  t.is(answer.status, 200);
  t.is(answer.text, text);
  t.is(answer.headers.get("content-type"), "text/plain; charset=utf-8");
  t.is(answer.headers.get("content-length"), "20");
  t.regex(answer.headers.get("content-disposition") ?? "", /^attachment; filename="notes\.txt"/);
  t.is(answer.headers.get("x-content-type-options"), "nosniff");
  t.is(answer.headers.get("accept-ranges"), "bytes");
  t.truthy(answer.headers.get("last-modified"));
  const etag = answer.headers.get("etag") ?? "";
  t.regex(etag, /^"m\d+-20"$/);
  t.is((await download(reader.client, secret, stored.fileId, { "if-none-match": etag, "cache-control": "max-age=0" })).status, 304);
  t.true((await author.client.get(secret.url)).text.includes('class="fixture-files-entry">notes.txt'), "the group stream shows the entry");
});

test.serial("byte ranges: 206 with the exact bytes and Content-Range, 416 past the end, the whole file otherwise", async (t) => {
  const { fileId } = await upload("ranges.txt", text);
  const range = async (value: string, extra: Record<string, string> = {}) => {
    const answer = await download(reader.client, secret, fileId, { range: value, ...extra });
    return { status: answer.status, body: answer.text, contentRange: answer.headers.get("content-range"), length: answer.headers.get("content-length") };
  };
  t.deepEqual(await range("bytes=2-5"), { status: 206, body: "2345", contentRange: "bytes 2-5/20", length: "4" });
  t.deepEqual(await range("bytes=15-"), { status: 206, body: "fghij", contentRange: "bytes 15-19/20", length: "5" });
  t.deepEqual(await range("bytes=-3"), { status: 206, body: "hij", contentRange: "bytes 17-19/20", length: "3" });
  t.deepEqual(await range("bytes=-50"), { status: 206, body: text, contentRange: "bytes 0-19/20", length: "20" });
  t.deepEqual(await range("bytes=18-1000"), { status: 206, body: "ij", contentRange: "bytes 18-19/20", length: "2" });
  for (const unsatisfiable of ["bytes=20-", "bytes=25-30", "bytes=-0"]) {
    const answer = await range(unsatisfiable);
    t.is(answer.status, 416, unsatisfiable);
    t.is(answer.contentRange, "bytes */20", unsatisfiable);
    t.false(answer.body.includes("0123"), "no bytes of the file");
  }
  for (const ignored of ["bytes=0-1,4-5", "items=0-3", "bytes=5-2", "bytes=x-3"]) t.like(await range(ignored), { status: 200, body: text, contentRange: null }, ignored);
  const etag = (await download(reader.client, secret, fileId)).headers.get("etag")!;
  t.like(await range("bytes=0-3", { "if-range": etag }), { status: 206, body: "0123" });
  t.like(await range("bytes=0-3", { "if-range": '"another-version"' }), { status: 200, body: text }, "a changed file is sent whole");
  t.is((await download(outsider.client, secret, fileId, { range: "bytes=0-3" })).status, 404, "a range is no way around the check");
});

test.serial("attachments answer ranges through the same code", async (t) => {
  const posted = await postMultipart(author.client, "/posts", { body: "With a file", target: `group:${secret.id}` }, [{ name: "plain.txt", data: Buffer.from(text) }]);
  t.true([302, 303].includes(posted.status), posted.text.slice(0, 200));
  const { Attachment } = await import("../../core/models/attachment.ts");
  const attachment = await Attachment.findOne({ order: [["id", "DESC"]] });
  const answer = await reader.client.get(`/files/${attachment!.id}/plain.txt`, { range: "bytes=10-12" });
  t.is(answer.status, 206);
  t.is(answer.text, "abc");
  t.is(answer.headers.get("content-range"), "bytes 10-12/20");
});

test.serial("whoever may not read gets no bytes: 404 outside a secret group, 403 without the module's permission", async (t) => {
  const { fileId } = await upload("private.txt", "top secret figures");
  for (const answer of [await download(outsider.client, secret, fileId), await outsider.client.get(`/fixture-files/careless/${fileId}`), await app.client().get(`/fixture-files/careless/${fileId}`)]) {
    t.true([302, 404].includes(answer.status), String(answer.status));
    t.false(answer.text.includes("top secret"));
  }
  t.is((await reader.client.get(`/fixture-files/careless/${fileId}`)).text, "top secret figures", "the careless route works for a reader");
  // In an open group the outsider reads the stream, but the module's own rule (its permission) refuses.
  const generated = await author.client.post(`${open.url}/fixture-files/generated`, { name: "export.csv", text: "a,b\n1,2\n" });
  t.is(generated.status, 201, generated.text.slice(0, 200));
  const openFile = JSON.parse(generated.text) as { fileId: number; mime: string };
  t.is(openFile.mime, "text/csv");
  const refused = await download(outsider.client, open, openFile.fileId);
  t.is(refused.status, 403);
  t.false(refused.text.includes("a,b"));
  t.is((await download(author.client, open, openFile.fileId)).text, "a,b\n1,2\n");
  t.is((await download(author.client, secret, openFile.fileId)).status, 404, "a file is fetched only through its own group");
});

test.serial("a deleted content's files are served to no one until it is restored; a removed file is gone with its bytes", async (t) => {
  const { fileId, contentId } = await upload("minutes.txt", text);
  t.is((await author.client.post(`/c/${contentId}/delete`)).status, 302);
  for (const client of [author.client, reader.client]) {
    t.is((await download(client, secret, fileId)).status, 404);
    t.is((await client.get(`/fixture-files/careless/${fileId}`)).status, 404);
  }
  t.is((await author.client.post(`/c/${contentId}/restore`)).status, 302);
  t.is((await download(reader.client, secret, fileId)).text, text);

  const before = filesUnder(moduleDir()).length;
  t.is((await author.client.post(`${secret.url}/fixture-files/${fileId}/remove`)).status, 204);
  t.is((await download(reader.client, secret, fileId)).status, 404);
  t.false((await rows()).some((row) => row.id === fileId));
  t.is(filesUnder(moduleDir()).length, before - 1, "the bytes left the disk");
});

test.serial("a write that fails after storing its file leaves neither the row nor the bytes", async (t) => {
  const rowsBefore = (await rows()).length;
  const filesBefore = filesUnder(moduleDir()).length;
  const failed = await postMultipart(author.client, `${secret.url}/fixture-files`, {}, [{ name: "fail-midway.txt", data: Buffer.from(text) }]);
  t.is(failed.status, 400);
  t.is((await rows()).length, rowsBefore);
  t.is(filesUnder(moduleDir()).length, filesBefore);
});

test.serial("a content deleted for good takes its module files off the disk", async (t) => {
  const { fileId, contentId } = await upload("purged.txt", text);
  const row = (await rows()).find((candidate) => candidate.id === fileId)!;
  const file = path.join(app.config.uploadsDir, row.storageKey);
  t.is(readFileSync(file, "utf8"), text);
  const { Content } = await import("../../core/models/content.ts");
  await app.app.sequelize.transaction((transaction) => Content.destroy({ where: { id: contentId }, transaction }));
  t.false(filesUnder(moduleDir()).includes(path.relative(moduleDir(), file)));
  t.false((await rows()).some((candidate) => candidate.id === fileId), "the row cascades");
});

test.serial("hostile names never reach the disk; wrong, unaccepted and too large files are refused with nothing kept", async (t) => {
  const stored = await upload("../../../etc/\u202Egpj.txt", "harmless");
  t.is(stored.name, "gpj.txt");
  const answer = await download(reader.client, secret, stored.fileId);
  t.regex(answer.headers.get("content-disposition") ?? "", /filename="gpj\.txt"/);
  const generated = await author.client.post(`${open.url}/fixture-files/generated`, { name: "..\\..\\windows\\boot.txt", text: "ok" });
  t.is(JSON.parse(generated.text).name, "boot.txt");
  for (const file of filesUnder(path.join(app.config.uploadsDir, "modules"))) t.regex(file, /^fixture-files\/\d{4}\/\d{2}\/[0-9a-f-]{36}$/);

  const rowsBefore = (await rows()).length;
  const filesBefore = filesUnder(app.config.uploadsDir).length;
  const mislabelled = await author.client.post(`${open.url}/fixture-files/generated`, { name: "picture.png", text: "not an image", type: "image/png" });
  t.is(mislabelled.status, 415, "the declared type must be the sniffed one");
  const page = await author.client.post(`${open.url}/fixture-files/generated`, { name: "page.html", text: "<html><script>alert(1)</script></html>" });
  t.is(page.status, 415);
  const tooLarge = await postMultipart(author.client, `${secret.url}/fixture-files`, {}, [{ name: "big.txt", data: Buffer.alloc(1024 * 1024 + 10, "a") }]);
  t.is(tooLarge.status, 413);
  t.is((await rows()).length, rowsBefore);
  t.is(filesUnder(app.config.uploadsDir).length, filesBefore, "nothing left on disk, temporary files included");

  t.is((await reader.client.get(`${secret.url}/fixture-files/..%2F..%2Fconfig/download`)).status, 404);
  // A row of another module is not this module's to send.
  const { ModuleFile } = await import("../../core/models/module-file.ts");
  const mine = (await rows()).find((row) => row.id === stored.fileId)!;
  const foreign = await ModuleFile.create({ ...mine.get({ plain: true }), id: undefined, moduleId: "another-module", createdAt: undefined });
  t.is((await reader.client.get(`/fixture-files/careless/${foreign.id}`)).status, 404);
  const { storedPath } = await import("../../core/content/attachments/storage.ts");
  t.is(storedPath(app.config.uploadsDir, "modules/fixture-files/../../../etc/passwd"), null);
});

test.serial("an image is sent inline as its sniffed type, or as a download when the module asks", async (t) => {
  const stored = await upload("pixel.png", await pngImage(8, 8));
  t.is(stored.mime, "image/png");
  const inline = await download(reader.client, secret, stored.fileId);
  t.is(inline.headers.get("content-type"), "image/png");
  t.regex(inline.headers.get("content-disposition") ?? "", /^inline/);
  const asked = await reader.client.get(`${secret.url}/fixture-files/${stored.fileId}/download?download=1`);
  t.regex(asked.headers.get("content-disposition") ?? "", /^attachment/);
  const thumbnail = await reader.client.get(`${secret.url}/fixture-files/${stored.fileId}/download?thumbnail=1`);
  t.is(thumbnail.status, 200);
  t.is(thumbnail.headers.get("content-type"), "image/webp");
  t.regex(thumbnail.headers.get("content-disposition") ?? "", /^inline/);
  t.true(thumbnail.text.startsWith("RIFF") && thumbnail.text.slice(0, 16).includes("WEBP"), "a WebP image");
});

test.serial("bytes streamed by a module are stored whole, and refused past the size limit with nothing kept", async (t) => {
  const line = "x".repeat(1999) + "\n";
  const streamed = await author.client.post(`${open.url}/fixture-files/generated?repeat=300`, { name: "log.txt", text: line });
  t.is(streamed.status, 201, streamed.text.slice(0, 200));
  const { fileId, size } = JSON.parse(streamed.text) as { fileId: number; size: number };
  t.is(size, 600_000);
  const answer = await download(author.client, open, fileId, { range: "bytes=-4" });
  t.is(answer.status, 206);
  t.is(answer.text, "xxx\n");
  const filesBefore = filesUnder(app.config.uploadsDir).length;
  const rowsBefore = (await rows()).length;
  const tooLarge = await author.client.post(`${open.url}/fixture-files/generated?repeat=600`, { name: "huge.txt", text: line });
  t.is(tooLarge.status, 413);
  t.is(filesUnder(app.config.uploadsDir).length, filesBefore);
  t.is((await rows()).length, rowsBefore);
});
