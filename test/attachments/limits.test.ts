import { randomBytes } from "node:crypto";
import path from "node:path";
import test from "ava";
import sharp from "sharp";
import { startApp, type TestApp } from "../helpers/app.ts";
import { contentIdOf, filesUnder, pdfDocument, pngImage, postMultipart, refusedPage } from "./helpers.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp({ AGORA_UPLOAD_LIMIT_MB: "1" });
});
test.after.always(() => app?.close());

const attachmentsOf = async (contentId: number) => {
  const { Attachment } = await import("../../core/models/attachment.ts");
  return Attachment.findAll({ where: { contentId }, order: [["id", "ASC"]] });
};

test.serial("a file over the configured limit is a 413 with a clear message, and nothing stays on disk", async (t) => {
  const { client } = await app.signedIn("member");
  const { Content } = await import("../../core/models/content.ts");
  const before = await Content.count();
  const tooBig = Buffer.concat([pdfDocument(), randomBytes(1024 * 1024 + 10)]);
  const response = await refusedPage(client, await postMultipart(client, "/posts", { target: "company:0", body: "Big file" }, [{ name: "small.pdf", data: pdfDocument() }, { name: "big.pdf", data: tooBig }]));
  t.is(response.status, 413);
  t.true(response.text.includes("larger than the size allowed"));
  t.deepEqual(filesUnder(app.config.uploadsDir), []);
  t.is(await Content.count(), before);

  const justUnder = Buffer.concat([pdfDocument(), randomBytes(1024 * 1024 - 2000)]);
  const accepted = await postMultipart(client, "/posts", { target: "company:0", body: "Almost 1 MB" }, [{ name: "fits.pdf", data: justUnder }]);
  t.is(accepted.status, 302);
  const [attachment] = await attachmentsOf(contentIdOf(accepted.location));
  t.is(attachment.size, justUnder.length);
  t.regex((await client.get("/")).text, /up to 10 files of 1 MB each/);
});

test.serial("large images are scaled down for display and thumbnails; GIF and WebP are accepted", async (t) => {
  const { client } = await app.signedIn("member");
  const gif = await sharp({ create: { width: 12, height: 8, channels: 3, background: "#808000" } }).gif().toBuffer();
  const webp = await sharp({ create: { width: 8, height: 12, channels: 3, background: "#008080" } }).webp().toBuffer();
  const response = await postMultipart(client, "/posts", { target: "company:0", body: "Panorama" }, [
    { name: "panorama.png", data: await pngImage(3000, 1500) },
    { name: "anim.gif", data: gif },
    { name: "pic.webp", data: webp },
  ]);
  t.is(response.status, 302, response.text.slice(0, 300));
  const [panorama, storedGif, storedWebp] = await attachmentsOf(contentIdOf(response.location));
  t.deepEqual([panorama.width, panorama.height], [2048, 1024]);
  const thumbnail = await sharp(path.join(app.config.uploadsDir, panorama.thumbnailKey!)).metadata();
  t.deepEqual([thumbnail.width, thumbnail.height], [400, 200]);
  t.is(storedGif.mime, "image/gif");
  t.is((await sharp(path.join(app.config.uploadsDir, storedGif.storageKey)).metadata()).format, "gif");
  t.is(storedWebp.mime, "image/webp");
  const page = (await client.get(`/c/${panorama.contentId}`)).text;
  t.true(page.includes(`<img src="/files/${panorama.id}/thumb" alt="panorama.png" width="400" height="200"`));
});
