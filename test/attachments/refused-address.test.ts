import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { contentIdOf, pdfDocument, postMultipart } from "./helpers.ts";

// A multipart form carries its CSRF token in its address (?_csrf=): a refused one must not leave the token in
// the address bar. It is sent to a clean address that shows it again, the text kept and the reason at the top.

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const disguised = [{ name: "cat.png", data: Buffer.from("<html><script>alert(1)</script></html>"), type: "image/png" }];

/** The page from its top to the form: where the browser opens it (#refused). */
const topOf = (html: string) => html.slice(html.indexOf("<main"), html.indexOf("<form", html.indexOf("<main")));

test.serial("a refused upload in the composer answers with a clean address; the text and the reason come back at the top", async (t) => {
  const { Content } = await import("../../core/models/content.ts");
  const { client } = await app.signedIn("member");
  const before = await Content.count();
  const response = await postMultipart(client, "/posts", { target: "company:0", title: "Kept title", body: "Kept body text" }, disguised);
  t.is(response.status, 303);
  t.is(response.location, "/posts/new#refused");
  t.false(response.location.includes(client.csrfToken), "the token is not in the new address");
  t.is(await Content.count(), before, "nothing published");

  const page = await client.get("/posts/new");
  t.is(page.status, 415, "the refusal's status");
  t.regex(page.text, /<textarea[^>]*name="body"[^>]*>Kept body text<\/textarea>/);
  t.true(page.text.includes('value="Kept title"'));
  t.true(page.text.includes('<input type="hidden" name="target" value="company:0">'));
  const top = topOf(page.text);
  t.regex(top, /<div class="flash flash-error refused-box" id="refused" role="alert" tabindex="-1">/);
  t.regex(top, /not an accepted type/, "the reason is in the box at the top, above the form");

  // Shown once, like a flash message: the page is then a plain composer.
  const again = await client.get("/posts/new");
  t.is(again.status, 200);
  t.false(again.text.includes('id="refused"'));
  t.false(again.text.includes("Kept body text"));
  // A refused form is kept for its own session only.
  const other = await app.signedIn("member");
  t.false((await other.client.get("/posts/new")).text.includes("Kept body text"));
});

test.serial("a refused upload in the edit form answers with a clean address; the text, ticks and reason come back", async (t) => {
  const { Post } = await import("../../core/models/post.ts");
  const { Attachment } = await import("../../core/models/attachment.ts");
  const { client } = await app.signedIn("member");
  const contentId = contentIdOf((await postMultipart(client, "/posts", { target: "company:0", body: "Original" }, [{ name: "report.pdf", data: pdfDocument() }])).location);
  const [file] = await Attachment.findAll({ where: { contentId } });
  const response = await postMultipart(client, `/c/${contentId}/edit`, { title: "", body: "Edited text", removeFiles: String(file.id) }, disguised);
  t.is(response.status, 303);
  t.is(response.location, `/c/${contentId}/edit#refused`);

  const page = await client.get(`/c/${contentId}/edit`);
  t.is(page.status, 415);
  t.regex(page.text, /<textarea[^>]*name="body"[^>]*>Edited text<\/textarea>/);
  t.true(page.text.includes(`name="removeFiles" value="${file.id}" checked>`), "the ticked file stays ticked");
  t.regex(topOf(page.text), /id="refused"[\s\S]*not an accepted type/);
  t.is((await Post.findOne({ where: { body: "Original" } }))?.body, "Original", "nothing changed");
  t.is(await Attachment.count({ where: { contentId } }), 1);

  // Another post's edit page does not show it, and the refused form is shown once.
  const again = await client.get(`/c/${contentId}/edit`);
  t.is(again.status, 200);
  t.regex(again.text, /<textarea[^>]*name="body"[^>]*>Original<\/textarea>/);
});

test.serial("a form sent without the token in its address is answered in place, as before", async (t) => {
  const { client } = await app.signedIn("member");
  const response = await client.post("/posts", { target: "company:0", body: "" });
  t.is(response.status, 422);
  t.regex(topOf(response.text), /id="refused"[\s\S]*Write a message\./);
});

test.serial("the edit form lists its files as rows, each with a labelled Remove box", async (t) => {
  const { client } = await app.signedIn("member");
  const contentId = contentIdOf((await postMultipart(client, "/posts", { target: "company:0", body: "Two files" }, [{ name: "a.pdf", data: pdfDocument("a") }, { name: "b.pdf", data: pdfDocument("b") }])).location);
  const page = (await client.get(`/c/${contentId}/edit`)).text;
  const list = /<ul class="attachment-files edit-files-list">([\s\S]*?)<\/ul>/.exec(page)?.[1] ?? "";
  const rows = [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((match) => match[1]);
  t.is(rows.length, 2);
  for (const [index, name] of ["a.pdf", "b.pdf"].entries()) {
    t.regex(rows[index], new RegExp(`class="attachment-name">${name}</a>[\\s\\S]*<label class="edit-file-remove"><input type="checkbox" name="removeFiles" value="\\d+"> Remove<span class="visually-hidden"> ${name}</span></label>`));
  }
  t.false(page.includes('class="attachment-list"'), "no unstyled list");
});

test.serial("a refused upload with a comment answers with a clean address; the permalink shows the comment form filled in, with the reason", async (t) => {
  const { Comment } = await import("../../core/models/comment.ts");
  const { client } = await app.signedIn("member");
  const contentId = contentIdOf((await postMultipart(client, "/posts", { target: "company:0", body: "Commented post" }, [])).location);
  const response = await postMultipart(client, `/c/${contentId}/comments`, { body: "Kept comment text", parentId: "" }, disguised);
  t.is(response.status, 303);
  t.is(response.location, `/c/${contentId}#comments-${contentId}`);
  t.false(response.location.includes(client.csrfToken), "the token is not in the new address");
  t.is(await Comment.count({ where: { contentId } }), 0, "nothing written");

  const page = await client.get(`/c/${contentId}`);
  t.is(page.status, 415, "the refusal's status");
  t.regex(page.text, /<textarea[^>]*name="body"[^>]*>Kept comment text<\/textarea>/);
  t.regex(page.text, /not an accepted type/);
  const again = await client.get(`/c/${contentId}`);
  t.is(again.status, 200, "shown once");
  t.false(again.text.includes("Kept comment text"));
});
