import { readdirSync } from "node:fs";
import path from "node:path";
import test from "ava";
import sharp from "sharp";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { usernameOf } from "../helpers/content.ts";
import { UserProfile } from "../../core/models/profile.ts";
import { User } from "../../core/models/user.ts";
import { tinyPng } from "../admin/images.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const avatarFiles = () => {
  try {
    return readdirSync(path.join(app.config.uploadsDir, "avatars")).sort();
  } catch {
    return [];
  }
};

/** Posts the photo form as a browser does: multipart, with the CSRF token in the query string. */
async function uploadPhoto(client: Client, bytes: Buffer, name: string, type: string) {
  await client.get("/account/profile");
  const form = new FormData();
  form.append("photo", new Blob([new Uint8Array(bytes)], { type }), name);
  return client.request("POST", `/account/profile/photo?_csrf=${encodeURIComponent(client.csrfToken)}`, { body: form });
}

/** A 600×400 JPEG carrying EXIF (camera make and GPS-like comment), as phones produce. */
function cameraJpeg() {
  return sharp({ create: { width: 600, height: 400, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .jpeg()
    .withExif({ IFD0: { Make: "SecretCam", Model: "X1", ImageDescription: "home address 12 rue Exif" } })
    .toBuffer();
}

test.serial("a photo is resized to two squares, stripped of EXIF and served to colleagues only", async (t) => {
  const { client, userId } = await app.signedIn("member", { displayName: "Pia Photo" });
  const username = await usernameOf(userId);
  const original = await cameraJpeg();
  t.truthy((await sharp(original).metadata()).exif, "the test image does carry EXIF");

  const response = await uploadPhoto(client, original, "me.jpg", "image/jpeg");
  t.is(response.status, 302);
  const key = (await User.findByPk(userId))!.photoKey!;
  t.regex(key, /^[a-f0-9]{32}$/);
  t.deepEqual(avatarFiles(), [`${key}-small.webp`, `${key}.webp`]);

  const colleague = await app.signedIn("member");
  for (const [size, side] of [["large", 256], ["small", 64]] as const) {
    const served = await fetch(`${app.url}/u/${username}/photo?size=${size}`, { headers: { cookie: cookieOf(colleague.client) } });
    t.is(served.status, 200);
    t.is(served.headers.get("content-type"), "image/webp");
    t.regex(served.headers.get("cache-control") ?? "", /^private/);
    const bytes = Buffer.from(await served.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    t.is(meta.width, side);
    t.is(meta.height, side);
    t.falsy(meta.exif, "EXIF is stripped");
    t.false(bytes.includes(Buffer.from("SecretCam")));
  }
  const page = await colleague.client.get(`/u/${username}`);
  t.regex(page.text, new RegExp(`<img class="avatar avatar-large avatar-photo" src="/u/${username}/photo\\?size=large&amp;v=${key.slice(0, 8)}"`));

  const visitor = await fetch(`${app.url}/u/${username}/photo?size=small`, { redirect: "manual" });
  t.is(visitor.status, 302, "visitors must sign in");

  // A new photo replaces the old files.
  t.is((await uploadPhoto(client, await sharp({ create: { width: 50, height: 80, channels: 4, background: "#00ff00" } }).png().toBuffer(), "p.png", "image/png")).status, 302);
  const newKey = (await User.findByPk(userId))!.photoKey!;
  t.not(newKey, key);
  t.deepEqual(avatarFiles(), [`${newKey}-small.webp`, `${newKey}.webp`]);

  // Removing it brings the initials back, as an SVG.
  t.is((await client.post("/account/profile/photo/remove")).status, 302);
  t.deepEqual(avatarFiles(), []);
  const initial = await colleague.client.get(`/u/${username}/photo?size=small`);
  t.is(initial.status, 200);
  t.is(initial.headers.get("content-type"), "image/svg+xml");
  t.true(initial.text.includes(">PP</text>"), "Pia Photo");
});

function cookieOf(client: Client): string {
  return [...(client as unknown as { cookies: Map<string, string> }).cookies].map(([k, v]) => `${k}=${v}`).join("; ");
}

test.serial("files that are not photos are refused and leave nothing on disk", async (t) => {
  const { client, userId } = await app.signedIn("member");
  const before = avatarFiles();
  const refusals: [Buffer, string, string, number, string][] = [
    [Buffer.from("<html><script>alert(1)</script></html>"), "photo.png", "image/png", 422, "Only JPEG, PNG, WebP and GIF"],
    [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), "photo.svg", "image/svg+xml", 422, "Only JPEG, PNG, WebP and GIF"],
    [Buffer.from("%PDF-1.4 fake"), "cv.pdf", "application/pdf", 422, "Only JPEG, PNG, WebP and GIF"],
    [Buffer.alloc(0), "empty.jpg", "image/jpeg", 422, "This file is empty"],
    [Buffer.alloc(0), "", "application/octet-stream", 422, "Choose a photo"],
    [Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5 * 1024 * 1024 + 10)]), "huge.jpg", "image/jpeg", 413, "larger than 5 MB"],
    // A real PNG header (so it sniffs as PNG) whose pixel data is cut off.
    [Buffer.concat([tinyPng(40, 40).subarray(0, 41), Buffer.alloc(30, 7)]), "broken.png", "image/png", 422, "could not be read"],
  ];
  for (const [bytes, name, type, status, message] of refusals) {
    const response = await uploadPhoto(client, bytes, name, type);
    t.is(response.status, status, name);
    t.true(response.text.includes(message), `${name}: ${message}`);
  }
  t.deepEqual(avatarFiles(), before);
  t.falsy((await User.findByPk(userId))?.photoKey);
});
