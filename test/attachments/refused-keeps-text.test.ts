import { existsSync } from "node:fs";
import path from "node:path";
import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { contentIdOf, filesUnder, pdfDocument, pngImage, postMultipart, refusedPage, type TestFile } from "./helpers.ts";

// Nothing a user wrote is lost: a refused file (too big, not a type we take, a hostile name) answers
// with the same form, filled in, the reason next to the file field, its 4xx, and nothing on disk.

let app: TestApp;
test.before(async () => {
  app = await startApp({ AGORA_UPLOAD_LIMIT_MB: "1" });
});
test.after.always(() => app?.close());

/** Everything under uploads/ (temporary files included), the site logo folder aside. */
const storedFiles = () => filesUnder(app.config.uploadsDir).filter((file) => !file.startsWith(`site${path.sep}`));
const models = async () => ({
  ...(await import("../../core/models/content.ts")),
  ...(await import("../../core/models/comment.ts")),
  ...(await import("../../core/models/attachment.ts")),
  ...(await import("../../core/models/post.ts")),
});
const rowCounts = async () => {
  const { Content, Comment, Attachment, ContentRevision } = await models();
  return [await Content.count(), await Comment.count(), await Attachment.count(), await ContentRevision.count()];
};

/** What nunjucks' autoescape makes of the text, so the test proves it comes back inert. */
const escaped = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
const quoted = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const textareaWith = (text: string) => new RegExp(`<textarea[^>]*name="body"[^>]*>${quoted(escaped(text))}</textarea>`);
const fileError = (message: RegExp) => new RegExp(`class="error" id="[^"]*files-error" role="alert">[^<]*${message.source}`);

const html = Buffer.from("<html><script>alert(1)</script></html>");
/** Each refusal: the file sent, the status the current rules give it, and the message shown. */
const refusals: { name: string; files: () => TestFile[]; status: number; message: RegExp }[] = [
  { name: "a file too big", files: () => [{ name: "notes.pdf", data: pdfDocument() }, { name: "big.pdf", data: Buffer.concat([pdfDocument(), Buffer.alloc(1024 * 1024 + 10, 1)]) }], status: 413, message: /larger than the size allowed/ },
  { name: "HTML disguised as a .png", files: () => [{ name: "cat.png", data: html, type: "image/png" }], status: 415, message: /not an accepted type/ },
  { name: "a path-traversal name on a refused file", files: () => [{ name: "../../../../escaped-upload.png", data: html }], status: 415, message: /not an accepted type/ },
  { name: "too many files", files: () => Array.from({ length: 11 }, (_, index) => ({ name: `f${index}.pdf`, data: pdfDocument(String(index)) })), status: 413, message: /at most 10/ },
];

/** Nothing on disk, nothing escaped the uploads folder, no row written. */
async function assertNothingKept(t: import("ava").ExecutionContext, before: { files: string[]; rows: number[] }) {
  t.deepEqual(storedFiles(), before.files, "no file left under uploads/, temporary ones included");
  t.deepEqual(filesUnder(path.dirname(app.config.uploadsDir)).filter((file) => file.includes("escaped-upload")), []);
  t.false(existsSync(path.resolve(app.config.uploadsDir, "../../../../escaped-upload.png")));
  t.deepEqual(await rowCounts(), before.rows, "no content, comment, attachment or revision written");
}

const snapshot = async () => ({ files: storedFiles(), rows: await rowCounts() });

for (const refusal of refusals) {
  test.serial(`new post, ${refusal.name}: the composer comes back filled in with the reason`, async (t) => {
    const { client, userId } = await app.signedIn("member");
    const before = await snapshot();
    const body = `Plan for <b>"Q3"</b> & Tom's notes`;
    const response = await refusedPage(client, await postMultipart(client, "/posts", { target: `user:${userId}`, returnTo: "/u/somewhere?tab=posts", title: `Title "kept" & <i>`, body }, refusal.files()));
    t.is(response.status, refusal.status);
    t.regex(response.text, textareaWith(body));
    t.true(response.text.includes(`name="title" maxlength="200" value="${escaped(`Title "kept" & <i>`)}"`));
    t.true(response.text.includes(`<input type="hidden" name="target" value="user:${userId}">`));
    t.true(response.text.includes(`<input type="hidden" name="returnTo" value="/u/somewhere?tab=posts">`));
    t.regex(response.text, fileError(refusal.message));
    t.true(response.text.includes("Your text is kept"));
    await assertNothingKept(t, before);
  });

  test.serial(`post edit, ${refusal.name}: the edit form comes back with the text and the ticked files`, async (t) => {
    const { client } = await app.signedIn("member");
    const created = await postMultipart(client, "/posts", { target: "company:0", title: "Old title", body: "Old body" }, [{ name: "photo.png", data: await pngImage(20, 20) }, { name: "report.pdf", data: pdfDocument() }]);
    const contentId = contentIdOf(created.location);
    const { Attachment, Post, Content } = await models();
    const [photo] = await Attachment.findAll({ where: { contentId }, order: [["id", "ASC"]] });
    const before = await snapshot();
    const body = `New <body> & "quotes"`;
    if (!client.csrfToken) await client.get("/");
    const form = new FormData();
    form.append("title", "New title");
    form.append("body", body);
    form.append("removeFiles", String(photo.id));
    for (const file of refusal.files()) form.append("files", new Blob([new Uint8Array(file.data)]), file.name);
    const response = await refusedPage(client, await client.request("POST", `/c/${contentId}/edit?_csrf=${encodeURIComponent(client.csrfToken)}`, { body: form }));
    t.is(response.status, refusal.status);
    t.regex(response.text, textareaWith(body));
    t.true(response.text.includes(`value="New title"`));
    t.true(response.text.includes(`name="removeFiles" value="${photo.id}" checked>`), "the ticked file stays ticked");
    t.regex(response.text, fileError(refusal.message));
    await assertNothingKept(t, before);
    const post = await Post.findByPk((await Content.findByPk(contentId))!.refId!);
    t.is(post!.body, "Old body");
    t.is(await Attachment.count({ where: { contentId } }), 2);
  });

  test.serial(`comment, ${refusal.name}: the post's page comes back with the comment form filled in`, async (t) => {
    const author = await app.signedIn("member");
    const created = await postMultipart(author.client, "/posts", { target: "company:0", body: "A post to comment on" });
    const contentId = contentIdOf(created.location);
    const { client } = await app.signedIn("member");
    const before = await snapshot();
    const body = `I'd say <no> & "yes"`;
    const response = await refusedPage(client, await postMultipart(client, `/c/${contentId}/comments`, { body }, refusal.files()));
    t.is(response.status, refusal.status);
    t.true(response.text.includes("A post to comment on"), "shown on the post's own page");
    t.regex(response.text, textareaWith(body));
    t.regex(response.text, new RegExp(`<details class="comment-files" open>\\s*<summary>[^<]*</summary>\\s*<div class="field composer-files has-error">`));
    t.regex(response.text, fileError(refusal.message));
    await assertNothingKept(t, before);
  });
}

test.serial("a reply refused for its file comes back in its thread's reply form; a French reader reads the reason in French", async (t) => {
  const author = await app.signedIn("member");
  const created = await postMultipart(author.client, "/posts", { target: "company:0", body: "Thread starter" });
  const contentId = contentIdOf(created.location);
  const first = await postMultipart(author.client, `/c/${contentId}/comments`, { body: "First comment" });
  t.is(first.status, 302);
  const { Comment } = await models();
  const thread = (await Comment.findOne({ where: { contentId } }))!;
  const { client, userId } = await app.signedIn("member");
  const { User } = await import("../../core/models/user.ts");
  await User.update({ language: "fr" }, { where: { id: userId } });
  const before = await snapshot();
  const response = await refusedPage(client, await postMultipart(client, `/c/${contentId}/comments`, { parentId: String(thread.id), body: "Ma réponse" }, [{ name: "chat.png", data: html }]));
  t.is(response.status, 415);
  const opened = `<details class="comment-reply" id="reply-${thread.id}" open>`;
  const replyForm = response.text.slice(response.text.indexOf(opened));
  t.true(response.text.includes(opened));
  t.regex(replyForm.slice(0, 3000), textareaWith("Ma réponse"));
  t.regex(response.text, /class="error" id="[^"]*files-error" role="alert">[^<]*Votre texte est conservé/);
  await assertNothingKept(t, before);
});

test.serial("a refused comment asked for as JSON (the enhancement script) gets the reason as JSON", async (t) => {
  const author = await app.signedIn("member");
  const created = await postMultipart(author.client, "/posts", { target: "company:0", body: "JSON comments" });
  const contentId = contentIdOf(created.location);
  const before = await snapshot();
  const form = new FormData();
  form.append("body", "Typed in the page");
  form.append("files", new Blob([html]), "page.png");
  const response = await author.client.request("POST", `/c/${contentId}/comments?_csrf=${encodeURIComponent(author.client.csrfToken)}`, { body: form, headers: { accept: "application/json" } });
  t.is(response.status, 415);
  const answer = JSON.parse(response.text) as { errors: Record<string, string> };
  t.regex(answer.errors.files, /not an accepted type/);
  await assertNothingKept(t, before);
});
