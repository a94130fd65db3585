import { readFileSync } from "node:fs";
import path from "node:path";
import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { contentIdOf, pngImage, postMultipart, refusedPage, type TestFile } from "./helpers.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

/** Tiny real videos (one second, 64 x 36), recorded from a canvas by Chromium's MediaRecorder: see test/fixtures/media/README.md. */
const media = path.resolve(import.meta.dirname, "../fixtures/media");
const webm = readFileSync(path.join(media, "clip.webm"));
const mp4 = readFileSync(path.join(media, "clip.mp4"));

async function attachmentsOf(contentId: number) {
  const { Attachment } = await import("../../core/models/attachment.ts");
  return Attachment.findAll({ where: { contentId }, order: [["id", "ASC"]] });
}

const photos = (count: number) => Promise.all(Array.from({ length: count }, async (_, i): Promise<TestFile> => ({ name: `photo-${i + 1}.png`, data: await pngImage(80 + i, 60) })));

async function postWith(client: Client, body: string, files: TestFile[]) {
  const response = await postMultipart(client, "/posts", { target: "company:0", body }, files);
  if (response.status !== 302) throw new Error(`the post was refused: ${response.status} ${response.text.slice(0, 300)}`);
  const contentId = contentIdOf(response.location);
  return { contentId, attachments: await attachmentsOf(contentId) };
}

/** The entry's gallery list, as the page sends it. */
function galleryOf(html: string, contentId: number) {
  const entry = html.slice(html.indexOf(`id="content-${contentId}"`));
  return /<ul class="gallery [^"]*"[\s\S]*?<\/ul>/.exec(entry.slice(0, entry.indexOf("</article>")))?.[0] ?? "";
}

const tilesOf = (gallery: string) => [...gallery.matchAll(/<a class="gallery-tile" href="([^"]+)"/g)].map((match) => match[1]);

test.serial("one image is shown large, linked to the full image, its size in the page and a sharper source for wide screens", async (t) => {
  const { client } = await app.signedIn("member");
  const { contentId, attachments } = await postWith(client, "One wide photo", [{ name: "wide.png", data: await pngImage(1200, 600) }]);
  const [file] = attachments;
  const gallery = galleryOf((await client.get(`/c/${contentId}`)).text, contentId);
  t.regex(gallery, /^<ul class="gallery gallery-1"/);
  t.deepEqual(tilesOf(gallery), [`/files/${file.id}/wide.png`]);
  t.true(gallery.includes(`data-width="1200" data-height="600"`), "the viewer knows the full image's size");
  t.true(gallery.includes(`<img src="/files/${file.id}/thumb" alt="wide.png" width="560" height="280" srcset="/files/${file.id}/thumb 400w, /files/${file.id}/wide.png 1200w"`), gallery);
  t.false(gallery.includes("gallery-more"));
  t.is((await client.get(`/files/${file.id}/wide.png`)).headers.get("content-type"), "image/png", "the tile's link is the image itself");
});

test.serial("two images side by side; five in a grid whose fourth tile says +1, every tile a link to its full image", async (t) => {
  const { client } = await app.signedIn("member");
  const two = await postWith(client, "Two photos", await photos(2));
  const five = await postWith(client, "Five photos", await photos(5));
  const dashboard = (await client.get("/")).text;

  const pair = galleryOf(dashboard, two.contentId);
  t.regex(pair, /^<ul class="gallery gallery-2"/);
  t.deepEqual(tilesOf(pair), two.attachments.map((file) => `/files/${file.id}/${file.originalName}`));
  t.true(pair.includes(`alt="photo-1.png" width="80" height="60"`), "thumbnails carry their size");
  t.false(pair.includes("gallery-extra"));

  const grid = galleryOf(dashboard, five.contentId);
  t.regex(grid, /^<ul class="gallery gallery-many"/);
  t.deepEqual(tilesOf(grid), five.attachments.map((file) => `/files/${file.id}/${file.originalName}`), "all five are links (the fifth for the viewer and for pages without JavaScript)");
  const items = grid.split("<li ").slice(1);
  t.is(items.length, 5);
  t.deepEqual(items.map((item) => item.startsWith('class="gallery-item gallery-extra"')), [false, false, false, false, true]);
  t.true(items[3].includes(`<span class="gallery-more"><span aria-hidden="true">+1</span><span class="visually-hidden">and 1 more image</span></span>`), items[3]);
  t.false(items[2].includes("gallery-more"));
  for (const file of five.attachments) {
    const full = await client.get(`/files/${file.id}/${file.originalName}`);
    t.is(full.status, 200);
    t.is(full.headers.get("content-type"), "image/png");
  }

  // The viewer's words come once per page, in the reader's language.
  t.regex(dashboard, /<template id="gallery-viewer">\s*<dialog class="gallery-viewer" aria-labelledby="gallery-viewer-title" data-position="Image \{current\} of \{total\}">/);
  t.true(dashboard.includes(">Previous image<") && dashboard.includes(">Next image<") && dashboard.includes(">Open the original<") && dashboard.includes(">Close<"));
  const french = (await client.get("/", { "accept-language": "fr" })).text;
  t.true(french.includes(`data-position="Image {current} sur {total}"`));
  t.true(french.includes(">Image précédente<") && french.includes(">Ouvrir l’original<") && french.includes(">Fermer<"));
  t.true(galleryOf(french, five.contentId).includes(">et 1 autre image<"));
});

test.serial("three images: the first across the grid; a comment's images are a gallery of their own", async (t) => {
  const { client } = await app.signedIn("member");
  const three = await postWith(client, "Three photos", await photos(3));
  const page = (await client.get(`/c/${three.contentId}`)).text;
  t.regex(galleryOf(page, three.contentId), /^<ul class="gallery gallery-3"/);
  t.is(tilesOf(galleryOf(page, three.contentId)).length, 3);

  const comment = await postMultipart(client, `/c/${three.contentId}/comments`, { body: "And mine" }, await photos(2));
  t.is(comment.status, 302, comment.text.slice(0, 300));
  const withComment = (await client.get(`/c/${three.contentId}`)).text;
  const commentHtml = withComment.slice(withComment.indexOf('<article class="comment'));
  t.regex(commentHtml, /<ul class="gallery gallery-2"[^>]*data-gallery>/);
});

for (const [name, bytes, mime] of [["clip.webm", webm, "video/webm"], ["clip.mp4", mp4, "video/mp4"]] as const) {
  test.serial(`a ${mime} video is accepted by its bytes, plays in the page, and is served inline with byte ranges`, async (t) => {
    const { client } = await app.signedIn("member");
    const reader = await app.signedIn("member");
    // The browser's claim and the name do not count: the bytes do.
    const { contentId, attachments } = await postWith(client, "Site tour", [{ name: name.replace(/\.\w+$/, ".bin"), data: bytes, type: "application/octet-stream" }, { name: "photo.png", data: await pngImage(50, 40) }]);
    const [video, photo] = attachments;
    t.is(video.mime, mime);
    t.is(video.size, bytes.length);
    t.is(video.thumbnailKey, null);

    const page = (await reader.client.get(`/c/${contentId}`)).text;
    const url = `/files/${video.id}/${video.originalName}`;
    t.true(page.includes(`<video controls preload="metadata"><source src="${url}" type="${mime}"><a href="${url}" download>Download the video ${video.originalName}</a></video>`), page.slice(page.indexOf("attachments"), page.indexOf("attachments") + 1500));
    t.regex(page, new RegExp(`<figcaption><a href="${url}" class="attachment-name" download>${video.originalName}</a> <span class="muted">Video · [\\d.]+ (KB|bytes)</span></figcaption>`));
    t.deepEqual(tilesOf(galleryOf(page, contentId)), [`/files/${photo.id}/photo.png`], "the video is not in the image gallery");
    t.false(page.includes('<ul class="attachment-files"'), "nor in the list of files");
    t.true((await reader.client.get(`/c/${contentId}`, { "accept-language": "fr" })).text.includes(`>Télécharger la vidéo ${video.originalName}</a></video>`));

    const whole = await reader.client.get(url);
    t.is(whole.status, 200);
    t.is(whole.headers.get("content-type"), mime);
    t.regex(whole.headers.get("content-disposition") ?? "", /^inline;/);
    t.is(whole.headers.get("x-content-type-options"), "nosniff");
    t.is(whole.headers.get("accept-ranges"), "bytes");
    // Opened on its own, the browser lays it out with inline styles; still no script, no other fetch, sandboxed.
    t.is(whole.headers.get("content-security-policy"), "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    t.is(Number(whole.headers.get("content-length")), bytes.length);

    // The bytes 4-11: "ftypisom" in an MP4, EBML bytes in a WebM, compared with the file itself.
    const part = await reader.client.get(url, { range: "bytes=4-11" });
    t.is(part.status, 206);
    t.is(part.headers.get("content-range"), `bytes 4-11/${bytes.length}`);
    t.is(Number(part.headers.get("content-length")), 8);
    t.is(part.headers.get("content-type"), mime);
    if (mime === "video/mp4") t.is(part.text, "ftypisom");
    if (mime === "video/webm") {
      const at = bytes.indexOf("webm");
      const docType = await reader.client.get(url, { range: `bytes=${at}-${at + 3}` });
      t.is(docType.status, 206);
      t.is(docType.text, "webm");
    }
    const past = await reader.client.get(url, { range: `bytes=${bytes.length}-` });
    t.is(past.status, 416);
    t.is(past.headers.get("content-range"), `bytes */${bytes.length}`);

    const outsider = await app.signedIn("guest");
    t.is((await outsider.client.get(url, { range: "bytes=0-10" })).status, 404, "a reader who may not read the post gets no bytes");
  });
}

test.serial("a QuickTime video, or bytes merely named .mp4 or .webm, are refused and nothing is published", async (t) => {
  const { client } = await app.signedIn("member");
  // The same file with QuickTime's brand: browsers do not all play it.
  const quicktime = Buffer.from(mp4);
  quicktime.write("qt  ", 8, "latin1");
  for (const file of [
    { name: "clip.mp4", data: quicktime },
    { name: "fake.mp4", data: Buffer.from("not a video at all, just text pretending") },
    { name: "fake.webm", data: Buffer.from("<html><script>alert(1)</script></html>") },
  ]) {
    const response = await postMultipart(client, "/posts", { target: "company:0", body: `Refused ${file.name}` }, [file]);
    const page = await refusedPage(client, response);
    t.is(page.status, 415, file.name);
    t.true(page.text.includes("videos in MP4 or WebM"), "the reason names the video types taken");
  }
  t.false((await client.get("/")).text.includes("Refused "), "nothing was published");
});
