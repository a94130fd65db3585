import path from "node:path";
import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { contentIdOf, filesUnder, pdfDocument, pngImage, postMultipart, refusedPage, type TestFile } from "./helpers.ts";

// Editing a post can remove its files (checkboxes) and add new ones under the create rules, in the
// same transaction as the text; removed files leave the disk once it commits.

let app: TestApp;
test.before(async () => {
  app = await startApp({ AGORA_UPLOAD_LIMIT_MB: "1" });
});
test.after.always(() => app?.close());

const storedFiles = () => filesUnder(app.config.uploadsDir).filter((file) => !file.startsWith(`site${path.sep}`) && !file.startsWith(`tmp${path.sep}`));
const attachmentsOf = async (contentId: number) => {
  const { Attachment } = await import("../../core/models/attachment.ts");
  return Attachment.findAll({ where: { contentId }, order: [["id", "ASC"]] });
};
const pathsOf = (attachment: { storageKey: string; thumbnailKey: string | null }) =>
  [attachment.storageKey, attachment.thumbnailKey].filter((key): key is string => Boolean(key)).map((key) => path.join(...key.split("/")));

/** The edit form as a browser sends it: several removeFiles checkboxes, several files. */
async function postEdit(client: Client, contentId: number, fields: Record<string, string | string[]>, files: TestFile[] = []) {
  if (!client.csrfToken) await client.get("/");
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) for (const one of [value].flat()) form.append(key, one);
  for (const file of files) form.append("files", new Blob([new Uint8Array(file.data)]), file.name);
  return client.request("POST", `/c/${contentId}/edit?_csrf=${encodeURIComponent(client.csrfToken)}`, { body: form });
}

async function postWithFiles(client: Client) {
  const created = await postMultipart(client, "/posts", { target: "company:0", body: "With files" }, [
    { name: "photo.png", data: await pngImage(40, 30) },
    { name: "report.pdf", data: pdfDocument() },
  ]);
  const contentId = contentIdOf(created.location);
  return { contentId, attachments: await attachmentsOf(contentId) };
}

test.serial("the edit form lists the post's files with remove checkboxes and takes new files", async (t) => {
  const { client } = await app.signedIn("member");
  const { contentId, attachments } = await postWithFiles(client);
  const page = (await client.get(`/c/${contentId}/edit`)).text;
  t.regex(page, /enctype="multipart\/form-data"/);
  for (const attachment of attachments) t.regex(page, new RegExp(`name="removeFiles" value="${attachment.id}"`));
  t.regex(page, /type="file" name="files"/);
  t.regex(page, /Attached files/);
  t.regex((await client.get(`/c/${contentId}/edit`, { "accept-language": "fr" })).text, /Fichiers joints/);
});

test.serial("removing one file and adding another changes the files with the text; the removed ones leave the disk", async (t) => {
  const { client } = await app.signedIn("member");
  const { contentId, attachments } = await postWithFiles(client);
  const [photo, report] = attachments;
  t.true(pathsOf(photo).every((file) => storedFiles().includes(file)));
  const saved = await postEdit(client, contentId, { body: "Edited with files", removeFiles: [String(photo.id)] }, [{ name: "new.pdf", data: pdfDocument("new") }]);
  t.is(saved.status, 302, saved.text.slice(0, 300));
  const after = await attachmentsOf(contentId);
  t.deepEqual(after.map((a) => a.originalName), ["report.pdf", "new.pdf"]);
  t.is(after[0].id, report.id);
  const onDisk = storedFiles();
  for (const file of pathsOf(photo)) t.false(onDisk.includes(file), "the photo and its thumbnail are gone");
  for (const attachment of after) for (const file of pathsOf(attachment)) t.true(onDisk.includes(file));
  t.is((await client.get(`/files/${photo.id}/photo.png`)).status, 404);
  const page = (await client.get(`/c/${contentId}`)).text;
  t.regex(page, /Edited with files/);
  t.regex(page, /new\.pdf/);
});

test.serial("only the files change: the post is marked edited, no revision is written", async (t) => {
  const { client } = await app.signedIn("member");
  const { contentId, attachments } = await postWithFiles(client);
  const saved = await postEdit(client, contentId, { body: "With files", removeFiles: attachments.map((a) => String(a.id)) });
  t.is(saved.status, 302);
  t.deepEqual(await attachmentsOf(contentId), []);
  const { Content } = await import("../../core/models/content.ts");
  const { ContentRevision } = await import("../../core/models/post.ts");
  t.truthy((await Content.findByPk(contentId))!.editedAt);
  t.is(await ContentRevision.count({ where: { contentId } }), 0);
});

test.serial("ids of another post's files are ignored; a malformed id is a 422; nothing changes", async (t) => {
  const { client } = await app.signedIn("member");
  const mine = await postWithFiles(client);
  const other = await postWithFiles((await app.signedIn("member")).client);
  const before = storedFiles();
  t.is((await postEdit(client, mine.contentId, { body: "Try theirs", removeFiles: [String(other.attachments[0].id)] })).status, 302);
  t.is((await attachmentsOf(other.contentId)).length, 2);
  t.deepEqual(storedFiles(), before);
  const malformed = await refusedPage(client, await postEdit(client, mine.contentId, { body: "Bad id", removeFiles: ["1 OR 1=1"] }, [{ name: "kept.pdf", data: pdfDocument() }]));
  t.is(malformed.status, 422);
  t.regex(malformed.text, /Bad id/, "the typed text comes back");
  t.is((await attachmentsOf(mine.contentId)).length, 2);
  t.deepEqual(storedFiles(), before, "the refused form's file left nothing");
});

test.serial("a refused file (too big, disguised, too many) refuses the whole edit and leaves nothing on disk", async (t) => {
  const { client } = await app.signedIn("member");
  const { contentId, attachments } = await postWithFiles(client);
  const before = storedFiles();
  const tooBig = Buffer.concat([pdfDocument(), Buffer.alloc(1024 * 1024 + 10, 1)]);
  const big = await refusedPage(client, await postEdit(client, contentId, { body: "Changed", removeFiles: [String(attachments[0].id)] }, [{ name: "big.pdf", data: tooBig }]));
  t.is(big.status, 413);
  const disguised = await refusedPage(client, await postEdit(client, contentId, { body: "Changed", removeFiles: [String(attachments[0].id)] }, [{ name: "cat.png", data: Buffer.from("<html><script>alert(1)</script></html>") }]));
  t.is(disguised.status, 415);
  const many = Array.from({ length: 9 }, (_, i) => ({ name: `f${i}.pdf`, data: pdfDocument(String(i)) }));
  const tooMany = await refusedPage(client, await postEdit(client, contentId, { body: "Changed" }, many));
  t.is(tooMany.status, 422, "2 kept + 9 new is over the 10 files a post may carry");
  t.regex(tooMany.text, /A post carries at most 10 files/);
  t.regex(tooMany.text, /Changed/, "the typed text comes back");
  t.deepEqual(storedFiles(), before);
  t.is((await attachmentsOf(contentId)).length, 2);
  const { Post } = await import("../../core/models/post.ts");
  const { Content } = await import("../../core/models/content.ts");
  t.is((await Post.findByPk((await Content.findByPk(contentId))!.refId!))!.body, "With files");
});

test.serial("someone who may not edit the post cannot remove its files", async (t) => {
  const { client } = await app.signedIn("member");
  const { contentId, attachments } = await postWithFiles(client);
  const before = storedFiles();
  const stranger = (await app.signedIn("member")).client;
  const response = await postEdit(stranger, contentId, { body: "Mine now", removeFiles: attachments.map((a) => String(a.id)) }, [{ name: "x.pdf", data: pdfDocument() }]);
  t.is(response.status, 404);
  t.is((await attachmentsOf(contentId)).length, 2);
  t.deepEqual(storedFiles(), before);
});
