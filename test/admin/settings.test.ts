import { readdirSync } from "node:fs";
import path from "node:path";
import test from "ava";
import { startApp, adminAccount, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { AuditEntry } from "../../core/models/audit-entry.ts";
import { tinyPng } from "./images.ts";

let app: TestApp;
let admin: Client;
let logoDirectory: string;
test.before(async () => {
  app = await startApp();
  admin = app.client();
  await admin.login(adminAccount.email, adminAccount.password);
  logoDirectory = path.join(app.config.uploadsDir, "site");
});
test.after.always(() => app?.close());

const base = { siteName: "Agora Test", registrationMode: "closed", defaultLanguage: "en" };
const filesInUploads = () => {
  try {
    return readdirSync(logoDirectory);
  } catch {
    return [];
  }
};

/** Posts the settings form as a browser does: multipart, with the CSRF token in the query string. */
async function postMultipart(fields: Record<string, string>, logo?: { bytes: Buffer; name: string; type: string }) {
  await admin.get("/admin/settings");
  const form = new FormData();
  for (const [key, value] of Object.entries({ ...base, ...fields })) form.append(key, value);
  if (logo) form.append("logo", new Blob([new Uint8Array(logo.bytes)], { type: logo.type }), logo.name);
  return admin.request("POST", `/admin/settings?_csrf=${encodeURIComponent(admin.csrfToken)}`, { body: form });
}

test.serial("the site name appears in the layout once saved", async (t) => {
  const saved = await admin.post("/admin/settings", { ...base, siteName: "Harbour Crew" });
  t.is(saved.status, 302);
  t.is(saved.location, "/admin/settings");
  const page = await app.client().get("/login");
  t.regex(page.text, /<span class="brand-name">Harbour Crew<\/span>/);
  t.true((await AuditEntry.count({ where: { action: "settings.updated" } })) >= 1);
});

test.serial("bad settings come back with what was typed and change nothing", async (t) => {
  const invalid = await admin.post("/admin/settings", { siteName: "  ", registrationMode: "everyone", defaultLanguage: "de" });
  t.is(invalid.status, 422);
  t.regex(invalid.text, /class="error"/);
  const settings = await app.app.settings.get();
  t.is(settings.siteName, "Harbour Crew");
  t.is(settings.registrationMode, "closed");
});

test.serial("registration mode is saved and shown as chosen, with each mode explained", async (t) => {
  t.is((await admin.post("/admin/settings", { ...base, registrationMode: "approval" })).status, 302);
  t.is((await app.app.settings.get()).registrationMode, "approval");
  const page = await admin.get("/admin/settings");
  t.regex(page.text, /value="approval" checked/);
  t.regex(page.text, /an administrator approves each new account/);
  t.regex(page.text, /Only people holding an invitation link/);
  t.is((await admin.post("/admin/settings", { ...base, registrationMode: "open" })).status, 302);
  t.is((await app.app.settings.get()).registrationMode, "open");
});

test.serial("a real PNG becomes the logo, served with its type; a new one replaces the old file", async (t) => {
  const first = await postMultipart({}, { bytes: tinyPng(), name: "logo.png", type: "image/png" });
  t.is(first.status, 302);
  const [firstFile] = filesInUploads();
  t.regex(firstFile, /^[a-f0-9]{32}\.png$/);
  t.is((await app.app.settings.get()).logoFile, firstFile);
  const layout = await app.client().get("/login");
  t.regex(layout.text, /<img src="\/site\/logo\?v=[0-9a-f]+\.(png|jpg|webp|gif)"/);

  const second = await postMultipart({}, { bytes: tinyPng(3, 3), name: "other.PNG", type: "application/octet-stream" });
  t.is(second.status, 302);
  const files = filesInUploads();
  t.is(files.length, 1, "the old logo file is gone");
  t.not(files[0], firstFile);
});

test.serial("GET /site/logo serves the logo with nosniff and cache headers", async (t) => {
  const response = await fetch(`${app.url}/site/logo`);
  t.is(response.status, 200);
  t.is(response.headers.get("content-type"), "image/png");
  t.is(response.headers.get("x-content-type-options"), "nosniff");
  t.regex(response.headers.get("cache-control") ?? "", /max-age=\d+/);
  const body = Buffer.from(await response.arrayBuffer());
  t.deepEqual(body.subarray(0, 8), tinyPng().subarray(0, 8));
  const etag = response.headers.get("etag")!;
  const again = await fetch(`${app.url}/site/logo`, { headers: { "if-none-match": etag, "cache-control": "max-age=0" } });
  t.is(again.status, 304);
});

test.serial("a text file named .png is refused and leaves nothing behind", async (t) => {
  const before = filesInUploads();
  const logoBefore = (await app.app.settings.get()).logoFile;
  const refused = await postMultipart({ siteName: "Should Not Save" }, { bytes: Buffer.from("<svg onload=alert(1)>not an image</svg>"), name: "logo.png", type: "image/png" });
  t.is(refused.status, 422);
  t.regex(refused.text, /must be a PNG, JPEG, WebP or GIF/);
  t.regex(refused.text, /value="Should Not Save"/, "what was typed comes back");
  t.deepEqual(filesInUploads(), before);
  const settings = await app.app.settings.get();
  t.is(settings.logoFile, logoBefore);
  t.not(settings.siteName, "Should Not Save");
});

test.serial("an oversized logo is refused and leaves nothing behind", async (t) => {
  const before = filesInUploads();
  const oversized = Buffer.concat([tinyPng(), Buffer.alloc(2 * 1024 * 1024 + 10)]);
  const refused = await postMultipart({}, { bytes: oversized, name: "big.png", type: "image/png" });
  t.is(refused.status, 413);
  t.regex(refused.text, /too large/);
  t.deepEqual(filesInUploads(), before);
});

test.serial("the logo can be removed, and then /site/logo is a 404", async (t) => {
  t.is((await postMultipart({ removeLogo: "1" })).status, 302);
  t.is((await app.app.settings.get()).logoFile, "");
  t.deepEqual(filesInUploads(), []);
  t.is((await fetch(`${app.url}/site/logo`)).status, 404);
  t.notRegex((await app.client().get("/login")).text, /<img src="\/site\/logo\?v=[0-9a-f]+\.(png|jpg|webp|gif)"/);
});

test.serial("the default language applies to a visitor whose browser asks for none", async (t) => {
  t.is((await admin.post("/admin/settings", { ...base, defaultLanguage: "fr" })).status, 302);
  const visitor = await app.client().get("/login", { "accept-language": "" });
  t.regex(visitor.text, /<html lang="fr">/);
  const english = await app.client().get("/login", { "accept-language": "en-GB,en;q=0.8" });
  t.regex(english.text, /<html lang="en">/, "the browser's choice still wins");
  const page = await admin.get("/admin/settings");
  t.regex(page.text, /<option value="fr" selected>/);
  t.is((await admin.post("/admin/settings", { ...base, defaultLanguage: "en" })).status, 302);
  t.regex((await app.client().get("/login", { "accept-language": "" })).text, /<html lang="en">/);
});
