import test from "ava";
import sharp from "sharp";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import { addMember, createGroup } from "../../modules/groups/test/helpers.ts";
import { initialsOf, toneOf } from "../../core/people/faces.ts";

// Faces: a person's photo in every place that shows them, or their initials on their own colour; none
// when the admin switched the photo field off.

let app: TestApp;
let admin: Client;
let pia: { client: Client; userId: number };
let rémi: { client: Client; userId: number };
let piaName: string;
let contentId: number;
let groupSlug: string;

async function uploadPhoto(client: Client) {
  const bytes = await sharp({ create: { width: 300, height: 300, channels: 3, background: { r: 10, g: 130, b: 90 } } }).png().toBuffer();
  await client.get("/account/profile");
  const form = new FormData();
  form.append("photo", new Blob([new Uint8Array(bytes)], { type: "image/png" }), "me.png");
  const response = await client.request("POST", `/account/profile/photo?_csrf=${encodeURIComponent(client.csrfToken)}`, { body: form });
  if (response.status !== 302) throw new Error(`photo refused: ${response.status}`);
}

test.before(async () => {
  app = await startApp();
  admin = (await app.signedIn("admin")).client;
  pia = await app.signedIn("member", { displayName: "Pia Photo" });
  rémi = await app.signedIn("member", { displayName: "Rémi van Initials" });
  piaName = await usernameOf(pia.userId);
  await uploadPhoto(pia.client);
  t_is((await admin.post("/admin/modules/groups/enable", { state: "enabled" })).status, 302);
  const group = await createGroup(pia.client, { name: "Faces club", visibility: "open" });
  groupSlug = group.slug;
  await addMember(group.id, rémi.userId);
  // Pia posts; Rémi comments and reacts; Pia comments back, mentioning Rémi (a notification with Pia's face).
  contentId = await publish(pia.client, { target: "company:0", body: "Hello, faces" });
  t_is((await rémi.client.post(`/c/${contentId}/comments`, { body: "Nice one" })).status, 302);
  t_is((await rémi.client.post(`/c/${contentId}/react`, { kind: "like" })).status, 302);
  t_is((await pia.client.post(`/c/${contentId}/comments`, { body: `Thanks @${await usernameOf(rémi.userId)}` })).status, 302);
});
test.after.always(() => app?.close());

function t_is(actual: unknown, expected: unknown) {
  if (actual !== expected) throw new Error(`set-up: ${String(actual)} instead of ${String(expected)}`);
}

const piaPhoto = () => new RegExp(`<img class="avatar avatar-(small|medium|large) avatar-photo" src="/u/${piaName}/photo\\?size=(small|large)&amp;v=[0-9a-f]{8}"`, "g");
const rémiInitials = () => new RegExp(`<span class="avatar avatar-(small|medium) tone-\\d" aria-hidden="true">RI</span>`, "g");

test.serial("initials: first and last word, letters only, upper-cased", (t) => {
  t.is(initialsOf("Rémi van Initials"), "RI");
  t.is(initialsOf("pia"), "P");
  t.is(initialsOf("  (Ana) María López "), "AL");
  t.is(initialsOf("🙂"), "?");
  t.is(toneOf("same"), toneOf("same"));
});

test.serial("the photo shows in every place a person appears", async (t) => {
  const pages = {
    "top bar": await pia.client.get("/notifications"),
    "stream entry": await rémi.client.get("/"),
    "comment": await rémi.client.get(`/c/${contentId}`),
    "notification": await rémi.client.get("/notifications"),
    "people card": await rémi.client.get("/people"),
    "group members": await rémi.client.get(`/g/${groupSlug}/members`),
    "profile": await rémi.client.get(`/u/${piaName}`),
  };
  for (const [place, page] of Object.entries(pages)) {
    t.is(page.status, 200, place);
    t.truthy(page.text.match(piaPhoto()), `${place}: Pia's photo`);
  }
  const stream = pages["stream entry"].text;
  const entry = stream.slice(stream.indexOf(`id="content-${contentId}"`));
  t.regex(entry.slice(0, entry.indexOf("</header>")), piaPhoto(), "the entry's header");
  t.regex(pages.comment.text, /<img class="avatar avatar-small avatar-photo"/, "comments use the small size");
  t.regex(pages.profile.text, /<img class="avatar avatar-large avatar-photo" src="[^"]+size=large/);
  const photoUrl = /src="(\/u\/[^"]+)"/.exec(pages.profile.text.match(piaPhoto())![0])![1].replaceAll("&amp;", "&");
  const photo = await rémi.client.get(photoUrl);
  t.is(photo.headers.get("content-type"), "image/webp");
  t.is(photo.headers.get("cache-control"), "private, max-age=31536000, immutable", "one upload, one address: kept for good");
  const reactions = await pia.client.get(`/c/${contentId}/reactions`);
  t.regex(reactions.text, rémiInitials(), "who reacted: Rémi, without a photo, as initials");
  const suggestions = JSON.parse((await rémi.client.get(`/people/suggest?q=pia`, { accept: "application/json" })).text || "null");
  t.truthy(JSON.stringify(suggestions).includes(`/u/${piaName}/photo?size=small&v=`), "the mentions autocomplete");
});

test.serial("someone without a photo shows initials on their own colour, in the top bar and beside their comment", async (t) => {
  const tone = toneOf(await usernameOf(rémi.userId));
  const own = (await rémi.client.get("/notifications")).text;
  t.true(own.includes(`<span class="avatar avatar-medium tone-${tone}" aria-hidden="true">RI</span>`));
  const comment = (await pia.client.get(`/c/${contentId}`)).text;
  t.true(comment.includes(`<span class="avatar avatar-small tone-${tone}" aria-hidden="true">RI</span>`));
});

test.serial("with the photo field switched off, no photo shows anywhere, and its file is not served", async (t) => {
  const fields = ["jobTitle", "department", "location", "phone", "manager", "bio", "skills", "languages"];
  t.is((await admin.post("/admin/profile-fields", { shown: fields })).status, 302);
  for (const path of ["/", `/c/${contentId}`, "/people", `/g/${groupSlug}/members`, `/u/${piaName}`]) {
    const page = await rémi.client.get(path);
    t.false(piaPhoto().test(page.text), path);
    t.regex(page.text, /aria-hidden="true">PP<\/span>/, `${path}: Pia's initials instead`);
  }
  const file = await rémi.client.get(`/u/${piaName}/photo?size=small`);
  t.is(file.headers.get("content-type"), "image/svg+xml", "the initials, not the photo");
});
