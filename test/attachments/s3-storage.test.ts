import path from "node:path";
import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { startBucket, type TestBucket } from "../helpers/s3.ts";
import { contentIdOf, filesUnder, pdfDocument, pngImage, postMultipart } from "./helpers.ts";

// Posts' and comments' attachments with AGORA_S3_* set: they go to the bucket (s3rver on loopback), never
// to the uploads dir; they download whole and by ranges for their readers only; removing a file from a post,
// deleting a post for good (the purge) and a failed write delete their objects.

let bucket: TestBucket;
let app: TestApp;
let author: Client;

test.before(async () => {
  bucket = await startBucket();
  app = await startApp(bucket.env);
  author = (await app.signedIn("member")).client;
});
test.after.always(async () => {
  await app?.close();
  await bucket?.close();
});

const models = async () => ({ ...(await import("../../core/models/attachment.ts")), ...(await import("../../core/models/content.ts")) });
const keysOf = (rows: { storageKey: string; thumbnailKey: string | null }[]) =>
  rows.flatMap((row) => [row.storageKey, row.thumbnailKey]).filter((key): key is string => Boolean(key)).map((key) => `${bucket.prefix}${key}`);
const storedOnDisk = () => filesUnder(app.config.uploadsDir).filter((file) => !file.startsWith(`site${path.sep}`));

async function bytesOf(client: Client, url: string, headers: Record<string, string> = {}) {
  const cookies = (client as unknown as { cookies: Map<string, string> }).cookies;
  const response = await fetch(app.url + url, { headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; "), ...headers }, redirect: "manual" });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

test.serial("a post's and a comment's files go to the bucket and download whole and by ranges; deleting them deletes their objects", async (t) => {
  const { Attachment, Content } = await models();
  const report = pdfDocument("Quarterly figures for the bucket");
  const posted = await postMultipart(author, "/posts", { target: "company:0", body: "Files in the bucket" }, [
    { name: "report.pdf", data: report },
    { name: "photo.png", data: await pngImage(40, 30) },
  ]);
  const contentId = contentIdOf(posted.location);
  t.true(contentId > 0, `posted: ${posted.status}`);
  const commented = await postMultipart(author, `/c/${contentId}/comments`, { body: "And a comment's file" }, [{ name: "notes.pdf", data: pdfDocument("notes") }]);
  t.is(commented.status, 302);
  const attachments = await Attachment.findAll({ where: { contentId }, order: [["id", "ASC"]] });
  t.is(attachments.length, 3);
  t.deepEqual(await bucket.objects(), keysOf(attachments).sort(), "the two files, the image's thumbnail and the comment's file");
  t.deepEqual(storedOnDisk(), [], "nothing on disk, no temporary file left");

  const [pdf, photo] = attachments;
  const whole = await bytesOf(author, `/files/${pdf.id}/report.pdf`);
  t.is(whole.status, 200);
  t.true(whole.body.equals(report));
  t.is(whole.headers.get("accept-ranges"), "bytes");
  const ranged = await bytesOf(author, `/files/${pdf.id}/report.pdf`, { range: "bytes=0-7" });
  t.is(ranged.status, 206);
  t.is(ranged.headers.get("content-range"), `bytes 0-7/${report.length}`);
  t.is(ranged.body.toString("latin1"), "%PDF-1.4");
  t.is((await bytesOf(author, `/files/${pdf.id}/report.pdf`, { range: `bytes=${report.length + 10}-` })).status, 416);
  const thumbnail = await bytesOf(author, `/files/${photo.id}/thumb`);
  t.is(thumbnail.status, 200);
  t.is(thumbnail.headers.get("content-type"), "image/webp");
  const reader = (await app.signedIn("member")).client;
  t.is((await bytesOf(reader, `/files/${pdf.id}/report.pdf`)).status, 200, "a colleague reads the company stream's file");
  t.is((await bytesOf(app.client(), `/files/${pdf.id}/report.pdf`)).status, 302, "signed out: sent to sign in, nothing read");

  // Removing the PDF from the post (the edit form) deletes its object once the edit commits.
  const form = new FormData();
  form.append("body", "Files in the bucket, edited");
  form.append("removeFiles", String(pdf.id));
  const edited = await author.request("POST", `/c/${contentId}/edit?_csrf=${encodeURIComponent(author.csrfToken)}`, { body: form });
  t.is(edited.status, 302);
  t.false((await bucket.objects()).includes(`${bucket.prefix}${pdf.storageKey}`), "the removed file's object is gone");
  t.is((await bytesOf(author, `/files/${pdf.id}/report.pdf`)).status, 404);
  t.is((await bucket.objects()).length, 4 - 1, "the photo, its thumbnail and the comment's file stay");

  // Deleted, then purged after the restore window: the post's and its comment's objects go.
  t.is((await author.post(`/c/${contentId}/delete`)).status, 302);
  t.is((await bucket.objects()).length, 3, "a deleted post is restorable: its objects stay");
  await Content.update({ deletedAt: new Date(Date.now() - 31 * 24 * 3600 * 1000) }, { where: { id: contentId } });
  const { purgeDeletedContents } = await import("../../core/content/moderation/purge.ts");
  t.true((await purgeDeletedContents(app.app)) >= 1);
  t.deepEqual(await bucket.objects(), [], "the purge deleted every object");
});

test.serial("a write that fails after its files reached the bucket deletes their objects", async (t) => {
  const { Attachment } = await models();
  const before = await bucket.objects();
  // The attachments' rows fail inside the post's transaction, after the files were stored: nothing is kept.
  const failing = async () => {
    throw new Error("the database refused the post");
  };
  Attachment.addHook("afterBulkCreate", "s3-test-failure", failing);
  try {
    const posted = await postMultipart(author, "/posts", { target: "company:0", body: "Doomed" }, [{ name: "doomed.pdf", data: pdfDocument("doomed") }]);
    t.is(posted.status, 500);
  } finally {
    Attachment.removeHook("afterBulkCreate", "s3-test-failure");
  }
  t.deepEqual(await bucket.objects(), before, "no object left");
  t.deepEqual(storedOnDisk(), [], "no temporary file left");
});
