import path from "node:path";
import test from "ava";
import sharp from "sharp";
import { startApp, type TestApp } from "../helpers/app.ts";
import { contentIdOf, filesUnder, macroDocument, openDocumentText, pdfDocument, photoWithExif, plainZip, pngImage, postMultipart, refusedPage, wordDocument } from "./helpers.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const uploadsDir = () => app.config.uploadsDir;
const models = () => import("../../core/models/attachment.ts");

async function attachmentsOf(contentId: number) {
  const { Attachment } = await models();
  return Attachment.findAll({ where: { contentId }, order: [["id", "ASC"]] });
}

/** Files under uploads/ (the site logo folder aside), to prove a refusal left nothing. */
const storedFiles = () => filesUnder(uploadsDir()).filter((file) => !file.startsWith(`site${path.sep}`));

test.serial("an image is re-encoded upright without metadata, with a thumbnail, and served to readers only", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const guest = await app.signedIn("guest");
  const response = await postMultipart(author.client, "/posts", { target: "company:0", body: "Photo from the site" }, [{ name: "site.jpg", data: await photoWithExif(60, 40), type: "image/jpeg" }]);
  t.is(response.status, 302, response.text.slice(0, 300));
  const contentId = contentIdOf(response.location);
  const [attachment] = await attachmentsOf(contentId);
  t.truthy(attachment);
  t.is(attachment.mime, "image/jpeg");
  t.is(attachment.originalName, "site.jpg");
  t.regex(attachment.storageKey, /^\d{4}\/\d{2}\/[0-9a-f-]{36}$/);
  t.truthy(attachment.thumbnailKey);

  const display = await sharp(path.join(uploadsDir(), attachment.storageKey)).metadata();
  t.is(display.width, 40, "turned upright from its EXIF orientation");
  t.is(display.height, 60);
  t.is(display.exif, undefined, "no EXIF kept");
  t.is(display.orientation, undefined);
  t.deepEqual([attachment.width, attachment.height], [40, 60]);
  const thumbnail = await sharp(path.join(uploadsDir(), attachment.thumbnailKey!)).metadata();
  t.is(thumbnail.format, "webp");
  t.deepEqual(filesUnder(path.join(uploadsDir(), "tmp")), [], "nothing left in tmp");

  const page = await reader.client.get(`/c/${contentId}`);
  t.true(page.text.includes(`<img src="/files/${attachment.id}/thumb" alt="site.jpg" width="40" height="60"`));
  t.true(page.text.includes(`href="/files/${attachment.id}/site.jpg"`));
  t.true((await reader.client.get("/")).text.includes(`/files/${attachment.id}/thumb`));

  const thumb = await reader.client.get(`/files/${attachment.id}/thumb`);
  t.is(thumb.status, 200);
  t.is(thumb.headers.get("content-type"), "image/webp");
  t.is(thumb.headers.get("x-content-type-options"), "nosniff");
  const full = await reader.client.get(`/files/${attachment.id}/site.jpg`);
  t.is(full.status, 200);
  t.is(full.headers.get("content-type"), "image/jpeg");
  t.regex(full.headers.get("content-disposition") ?? "", /^inline; filename="site.jpg"/);
  t.regex(full.headers.get("content-security-policy") ?? "", /sandbox/);
  t.regex(full.headers.get("cache-control") ?? "", /private/);
  t.is(Number(full.headers.get("content-length")), attachment.size);

  for (const url of [`/files/${attachment.id}/thumb`, `/files/${attachment.id}/site.jpg`]) {
    t.is((await guest.client.get(url)).status, 404, `guest: ${url}`);
    const anonymous = await app.client().get(url);
    t.is(anonymous.status, 302, `anonymous: ${url}`);
    t.regex(anonymous.location, /^\/login/);
  }
  t.is((await reader.client.get(`/files/${attachment.id + 1000}/thumb`)).status, 404);
  t.is((await reader.client.get("/files/abc/thumb")).status, 404);
});

test.serial("a private room's files are a 404 to non-members, the same as a missing file", async (t) => {
  const { rooms } = await import("../fixtures/modules/fixture-rooms/rooms.ts");
  await app.app.registry.enable("fixture-rooms");
  const member = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const secret = rooms.find((room) => room.slug === "secret")!;
  secret.members.set(member.userId, "member");
  const response = await postMultipart(member.client, "/posts", { target: `fixture-room:${secret.id}`, body: "Secret blueprint" }, [
    { name: "blueprint.png", data: await pngImage(30, 30) },
    { name: "plan.pdf", data: pdfDocument() },
  ]);
  t.is(response.status, 302, response.text.slice(0, 300));
  const [image, pdf] = await attachmentsOf(contentIdOf(response.location));
  for (const url of [`/files/${image.id}/thumb`, `/files/${image.id}/blueprint.png`, `/files/${pdf.id}/plan.pdf`]) {
    t.is((await member.client.get(url)).status, 200, url);
    const refused = await outsider.client.get(url);
    t.is(refused.status, 404, url);
    t.false(refused.text.includes("blueprint") || refused.text.includes("plan.pdf"));
  }
  t.false((await outsider.client.get("/")).text.includes(`/files/${image.id}/`));
});

test.serial("a PDF is listed with its size and type and downloads as an attachment with safe headers", async (t) => {
  const author = await app.signedIn("member");
  const data = pdfDocument();
  const response = await postMultipart(author.client, "/posts", { target: "company:0", body: "Figures attached" }, [{ name: "Résultats T3.pdf", data, type: "text/html" }]);
  t.is(response.status, 302, response.text.slice(0, 300));
  const [attachment] = await attachmentsOf(contentIdOf(response.location));
  t.is(attachment.mime, "application/pdf", "the sniffed type, not the browser's claim");
  t.is(attachment.originalName, "Résultats T3.pdf");
  t.is(attachment.thumbnailKey, null);
  const page = (await author.client.get(`/c/${attachment.contentId}`)).text;
  t.true(page.includes(`href="/files/${attachment.id}/R%C3%A9sultats%20T3.pdf"`));
  t.true(page.includes("Résultats T3.pdf</a>"));
  t.regex(page, new RegExp(`PDF · ${data.length} bytes`));
  t.is((await author.client.get(`/files/${attachment.id}/thumb`)).status, 404);

  const download = await author.client.get(`/files/${attachment.id}/anything`);
  t.is(download.status, 200);
  t.is(download.headers.get("content-type"), "application/pdf");
  t.is(download.headers.get("content-disposition"), `attachment; filename="Resultats T3.pdf"; filename*=UTF-8''R%C3%A9sultats%20T3.pdf`);
  t.is(download.headers.get("x-content-type-options"), "nosniff");
  t.is(download.headers.get("content-security-policy"), "default-src 'none'; sandbox");
  t.is(download.headers.get("cache-control"), "private, no-cache");
  t.true(download.text.startsWith("%PDF-1.4"));
  const etag = download.headers.get("etag")!;
  // fetch adds "Cache-Control: no-cache" to conditional requests unless told otherwise; browsers revalidate with max-age=0.
  t.is((await author.client.get(`/files/${attachment.id}/x`, { "if-none-match": etag, "cache-control": "max-age=0" })).status, 304);
});

test.serial("disguised, forbidden and damaged files are refused with a clear message and leave nothing on disk", async (t) => {
  const { client } = await app.signedIn("member");
  const { Content } = await import("../../core/models/content.ts");
  const contentsBefore = await Content.count();
  const filesBefore = storedFiles();
  const refused = [
    { status: 415, file: { name: "cat.png", data: Buffer.from("<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"), type: "image/png" } },
    { status: 415, file: { name: "logo.svg", data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'), type: "image/svg+xml" } },
    { status: 415, file: { name: "notes.txt", data: Buffer.from("<html><body onload=alert(1)>hi</body></html>") } },
    { status: 415, file: { name: "binary.txt", data: Buffer.from([0x41, 0x00, 0x42, 0x43]) } },
    { status: 415, file: { name: "latin1.csv", data: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]) } },
    { status: 415, file: { name: "tool.exe", data: Buffer.concat([Buffer.from("MZ"), Buffer.alloc(200, 1)]) } },
    { status: 415, file: { name: "archive.zip", data: plainZip() } },
    { status: 415, file: { name: "macros.docx", data: macroDocument() } },
    { status: 422, file: { name: "broken.png", data: Buffer.concat([(await pngImage(20, 20)).subarray(0, 60), Buffer.alloc(40, 7)]) } },
    { status: 422, file: { name: "empty.pdf", data: Buffer.alloc(0) } },
  ];
  for (const { status, file } of refused) {
    // A good file next to the bad one must not survive either.
    const response = await refusedPage(client, await postMultipart(client, "/posts", { target: "company:0", body: `Refused ${file.name}` }, [{ name: "fine.pdf", data: pdfDocument() }, file]));
    t.is(response.status, status, file.name);
    t.true(response.text.includes(status === 415 ? "its content is not an accepted type" : "Nothing was published"), file.name);
    t.deepEqual(storedFiles(), filesBefore, `nothing left on disk after ${file.name}`);
  }
  t.is(await Content.count(), contentsBefore);
});

test.serial("office documents are recognised by their content, whatever their name", async (t) => {
  const { client } = await app.signedIn("member");
  const response = await postMultipart(client, "/posts", { target: "company:0", body: "Minutes" }, [
    { name: "minutes.docx", data: wordDocument() },
    { name: "renamed.bin", data: openDocumentText() },
  ]);
  t.is(response.status, 302, response.text.slice(0, 300));
  const [docx, odt] = await attachmentsOf(contentIdOf(response.location));
  t.is(docx.mime, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  t.is(odt.mime, "application/vnd.oasis.opendocument.text");
  const page = (await client.get(`/c/${docx.contentId}`)).text;
  t.regex(page, /minutes\.docx<\/a> <span class="muted">Document · /);
});

test.serial("plain UTF-8 text and CSV are accepted as text", async (t) => {
  const { client } = await app.signedIn("member");
  const response = await postMultipart(client, "/posts", { target: "company:0", body: "Lists" }, [
    { name: "list.csv", data: Buffer.from("name,city\nZoé,Lyon\n") },
    { name: "readme.txt", data: Buffer.from("\ufeffHello <b>not markup at the start</b>\n") },
  ]);
  t.is(response.status, 302, response.text.slice(0, 300));
  const [csv, text] = await attachmentsOf(contentIdOf(response.location));
  t.is(csv.mime, "text/csv");
  t.is(text.mime, "text/plain");
  const download = await client.get(`/files/${text.id}/readme.txt`);
  t.is(download.headers.get("content-type"), "text/plain; charset=utf-8");
  t.regex(download.headers.get("content-disposition") ?? "", /^attachment;/);
});

test.serial("a path-traversal name is kept only as a display name; the file lands under uploads/ with a random name", async (t) => {
  const { client } = await app.signedIn("member");
  const dataDir = path.dirname(uploadsDir());
  const response = await postMultipart(client, "/posts", { target: "company:0", body: "Traversal" }, [
    { name: "../../etc/passwd.png", data: await pngImage(10, 10) },
    { name: "..\\..\\windows\\win.ini.pdf", data: pdfDocument() },
  ]);
  t.is(response.status, 302, response.text.slice(0, 300));
  const [image, pdf] = await attachmentsOf(contentIdOf(response.location));
  t.is(image.originalName, "passwd.png");
  t.is(pdf.originalName, "win.ini.pdf");
  for (const attachment of [image, pdf]) {
    const stored = path.resolve(uploadsDir(), attachment.storageKey);
    t.true(stored.startsWith(uploadsDir() + path.sep));
    t.regex(path.basename(stored), /^[0-9a-f-]{36}$/);
  }
  t.deepEqual(filesUnder(dataDir).filter((file) => /passwd|win\.ini|etc/.test(file)), []);
});

test.serial("hostile file names render inert in the page and in headers", async (t) => {
  const { client } = await app.signedIn("member");
  const hostile = '"><img src=x onerror=alert(1)>\u202Egnp.pdf';
  const response = await postMultipart(client, "/posts", { target: "company:0", body: "Names" }, [{ name: hostile, data: pdfDocument() }]);
  t.is(response.status, 302, response.text.slice(0, 300));
  const [attachment] = await attachmentsOf(contentIdOf(response.location));
  t.is(attachment.originalName, '"><img src=x onerror=alert(1)>gnp.pdf', "direction override removed");
  const page = (await client.get(`/c/${attachment.contentId}`)).text;
  t.false(page.includes("<img src=x"));
  t.true(page.includes("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;gnp.pdf</a>"));
  const download = await client.get(`/files/${attachment.id}/x`);
  t.regex(download.headers.get("content-disposition") ?? "", /^attachment; filename="\\"><img src=x onerror=alert\(1\)>gnp.pdf"/);
});

test.serial("a refused post (422, 403) with files leaves nothing on disk; a post without files still works", async (t) => {
  const { client } = await app.signedIn("member");
  const filesBefore = storedFiles();
  const empty = await refusedPage(client, await postMultipart(client, "/posts", { target: "company:0", title: "Kept title", body: "" }, [{ name: "photo.png", data: await pngImage(50, 50) }]));
  t.is(empty.status, 422);
  t.true(empty.text.includes("Kept title"), "the typed text comes back");
  t.deepEqual(storedFiles(), filesBefore);
  const someoneElse = await app.createUser();
  const foreign = await refusedPage(client, await postMultipart(client, "/posts", { target: `user:${someoneElse.userId}`, body: "On your wall" }, [{ name: "doc.pdf", data: pdfDocument() }]));
  t.is(foreign.status, 403);
  t.deepEqual(storedFiles(), filesBefore);

  const plain = await postMultipart(client, "/posts", { target: "company:0", body: "No files, multipart" });
  t.is(plain.status, 302);
  t.deepEqual(await attachmentsOf(contentIdOf(plain.location)), []);
  const urlencoded = await client.post("/posts", { target: "company:0", body: "No files, urlencoded" });
  t.is(urlencoded.status, 302);
  t.deepEqual(storedFiles(), filesBefore);

  const tooMany = await refusedPage(client, await postMultipart(client, "/posts", { target: "company:0", body: "Eleven" }, Array.from({ length: 11 }, (_, index) => ({ name: `f${index}.pdf`, data: pdfDocument() }))));
  t.is(tooMany.status, 413);
  t.true(tooMany.text.includes("at most 10"));
  t.deepEqual(storedFiles(), filesBefore);
  const wrongField = new FormData();
  wrongField.append("target", "company:0");
  wrongField.append("body", "Other field");
  wrongField.append("avatar", new Blob([pdfDocument()]), "a.pdf");
  const unexpected = await refusedPage(client, await client.request("POST", `/posts?_csrf=${encodeURIComponent(client.csrfToken)}`, { body: wrongField }));
  t.is(unexpected.status, 400);
  t.deepEqual(storedFiles(), filesBefore);
  const noToken = await client.request("POST", "/posts", { body: wrongField });
  t.is(noToken.status, 403, "multipart without the CSRF token in the query is refused");
});

test.serial("the composer is a multipart form with a file input and the limits in its hint", async (t) => {
  const { client } = await app.signedIn("member");
  const page = (await client.get("/")).text;
  t.regex(page, /<form class="composer card" method="post" action="\/posts\?_csrf=[^"]+" enctype="multipart\/form-data"/);
  t.regex(page, /<input id="f-files" type="file" name="files" multiple accept="[^"]*image\/png[^"]*"/);
  t.regex(page, /up to 10 files of 10 MB each/);
});

test.serial("a failed write after the files were moved leaves no file: discardUploads removes them wherever they are", async (t) => {
  const { attachUploads, discardUploads } = await import("../../core/content/attachments/uploads.ts");
  const { writeFile, mkdir } = await import("node:fs/promises");
  const { Content } = await import("../../core/models/content.ts");
  const author = await app.createUser();
  const content = await Content.create({ type: "post", refId: null, containerType: "company", containerId: 0, streamKey: "company:0", authorId: author.userId, sortAt: new Date() });
  const filesBefore = storedFiles();
  await mkdir(path.join(uploadsDir(), "tmp"), { recursive: true });
  const tempPath = path.join(uploadsDir(), "tmp", "moved-then-failed");
  await writeFile(tempPath, pdfDocument());
  const upload = { tempPath, originalName: "a.pdf", mime: "application/pdf", size: 10, width: null, height: null, thumbnailTempPath: null, uploadsDir: uploadsDir(), storedPaths: [] as string[] };
  await t.throwsAsync(
    app.app.sequelize.transaction(async (transaction) => {
      await attachUploads(transaction, { contentId: content.id, uploaderId: author.userId }, [upload]);
      throw new Error("the write failed after the move");
    }),
  );
  t.is(upload.storedPaths.length, 1);
  t.not(storedFiles().length, filesBefore.length, "the file was moved to its final place");
  await discardUploads([upload]);
  t.deepEqual(storedFiles(), filesBefore);
  t.deepEqual(await attachmentsOf(content.id), []);
});

test.serial("a comment's files are not listed on the post, and follow the comment's visibility", async (t) => {
  const { attachUploads } = await import("../../core/content/attachments/uploads.ts");
  const { Comment } = await import("../../core/models/comment.ts");
  const { writeFile, mkdir } = await import("node:fs/promises");
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const admin = await app.signedIn("admin");
  const posted = await postMultipart(author.client, "/posts", { target: "company:0", body: "Post with a commented file" });
  const contentId = contentIdOf(posted.location);
  const comment = await Comment.create({ contentId, parentId: null, authorId: author.userId, body: "see file", bodyHtml: "<p>see file</p>" });
  await mkdir(path.join(uploadsDir(), "tmp"), { recursive: true });
  const tempPath = path.join(uploadsDir(), "tmp", "comment-file");
  await writeFile(tempPath, pdfDocument());
  const upload = { tempPath, originalName: "comment.pdf", mime: "application/pdf", size: 10, width: null, height: null, thumbnailTempPath: null, uploadsDir: uploadsDir(), storedPaths: [] as string[] };
  await app.app.sequelize.transaction((transaction) => attachUploads(transaction, { contentId, commentId: comment.id, uploaderId: author.userId }, [upload]));
  const [attachment] = await attachmentsOf(contentId);
  t.is(attachment.commentId, comment.id);
  const page = (await reader.client.get(`/c/${contentId}`)).text;
  const link = page.indexOf(`href="/files/${attachment.id}/`);
  t.true(link > page.indexOf("see file"), "shown under the comment, not as the post's own file");

  t.is((await reader.client.get(`/files/${attachment.id}/comment.pdf`)).status, 200);
  await comment.update({ hiddenAt: new Date() });
  t.is((await reader.client.get(`/files/${attachment.id}/comment.pdf`)).status, 404);
  t.is((await admin.client.get(`/files/${attachment.id}/comment.pdf`)).status, 200);
  await comment.update({ hiddenAt: null, deletedAt: new Date() });
  t.is((await reader.client.get(`/files/${attachment.id}/comment.pdf`)).status, 404);
  t.is((await author.client.get(`/files/${attachment.id}/comment.pdf`)).status, 200);
});

test.serial("a comment takes files through its own form; they show under the comment, for readers only", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const guest = await app.signedIn("guest");
  const posted = await postMultipart(author.client, "/posts", { target: "company:0", body: "Post awaiting a commented file" });
  const contentId = contentIdOf(posted.location);
  const commented = await postMultipart(reader.client, `/c/${contentId}/comments`, { body: "Here is the plan" }, [{ name: "plan.pdf", data: pdfDocument("floor plan") }]);
  t.is(commented.status, 302);
  const page = (await author.client.get(`/c/${contentId}`)).text;
  const comment = page.slice(page.indexOf("Here is the plan"));
  const link = /href="(\/files\/\d+\/[^"]+)"/.exec(comment);
  t.truthy(link, "the file is listed under the comment");
  t.true(comment.includes("plan.pdf"));
  const download = await author.client.get(link![1]);
  t.is(download.status, 200);
  t.is(download.headers.get("content-type"), "application/pdf");
  t.is((await guest.client.get(link![1])).status, 404);

  const refused = await refusedPage(reader.client, await postMultipart(reader.client, `/c/${contentId}/comments`, { body: "A page" }, [{ name: "page.png", data: Buffer.from("<html><script>alert(1)</script></html>") }]));
  t.is(refused.status, 415);
});
