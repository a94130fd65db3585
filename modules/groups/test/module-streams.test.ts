import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { publish } from "../../../test/helpers/content.ts";
import { addMember, createGroup } from "./helpers.ts";

// A module switched off in one group hides its stream items from that group everywhere (dashboard,
// "my posts", the group page), not in the groups where it is on; the group page shows its announcements;
// the "share" link follows the groups module.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const notes = (slug: string) => `/g/${slug}/fixture-group-notes`;

test.serial("stream items of a module switched off in their group disappear from every stream", async (t) => {
  const siteAdmin = (await app.signedIn("admin")).client;
  const owner = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const [quiet, lively] = [await createGroup(owner.client, { name: "Quiet notes", visibility: "open" }), await createGroup(owner.client, { name: "Lively notes", visibility: "open" })];
  for (const group of [quiet, lively]) await addMember(group.id, reader.userId);
  t.is((await siteAdmin.post("/admin/modules/fixture-group-notes/enable", { state: "enabled" })).status, 302);
  for (const group of [quiet, lively]) {
    t.is((await owner.client.post(`${group.url}/modules/fixture-group-notes`, { state: "enabled" })).status, 302);
    t.is((await owner.client.post(notes(group.slug), { body: `note of ${group.slug}` })).status, 302);
  }
  const pages = async () => ({
    dashboard: (await reader.client.get("/")).text,
    mine: (await owner.client.get("/?filter=mine")).text,
    quiet: (await reader.client.get(quiet.url)).text,
    lively: (await reader.client.get(lively.url)).text,
  });
  let seen = await pages();
  for (const page of [seen.dashboard, seen.mine]) {
    t.true(page.includes(`note of ${quiet.slug}`) && page.includes(`note of ${lively.slug}`), "both notes while the module is on in both groups");
  }

  t.is((await owner.client.post(`${quiet.url}/modules/fixture-group-notes`, { state: "disabled" })).status, 302);
  seen = await pages();
  for (const [name, page] of Object.entries(seen)) t.false(page.includes(`note of ${quiet.slug}`), `${name}: the switched-off group's note is gone`);
  for (const page of [seen.dashboard, seen.mine, seen.lively]) t.true(page.includes(`note of ${lively.slug}`), "the other group's note stays");

  t.is((await siteAdmin.post("/admin/modules/fixture-group-notes/enable", { state: "forced" })).status, 302);
  seen = await pages();
  t.true(seen.dashboard.includes(`note of ${quiet.slug}`), "forced on: on in every group again");
  t.true(seen.mine.includes(`note of ${quiet.slug}`));
  await siteAdmin.post("/admin/modules/fixture-group-notes/disable");
});

test.serial("the group page shows the group's running announcements at the top", async (t) => {
  const owner = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Announcing team", visibility: "open" });
  const other = await createGroup(owner.client, { name: "Other team", visibility: "open" });
  await addMember(group.id, reader.userId);
  const id = await publish(owner.client, { target: `group:${group.id}`, body: "Office closed on Friday" });
  t.notRegex((await reader.client.get(group.url)).text, /class="announcements"/);
  t.is((await owner.client.post(`/c/${id}/announce`, {})).status, 302);
  const page = (await reader.client.get(group.url)).text;
  t.regex(page, /<section class="announcements"[^]*Office closed on Friday[^]*<\/section>/);
  t.notRegex((await owner.client.get(other.url)).text, /class="announcements"/, "only in its own group");
  const { Announcement } = await import("../../../core/models/announcement.ts");
  const announcement = (await Announcement.findOne({ where: { contentId: id } }))!;
  t.is((await reader.client.post(`/announcements/${announcement.id}/dismiss`, { returnTo: group.url })).status, 302);
  t.notRegex((await reader.client.get(group.url)).text, /class="announcements"/, "dismissed: gone for that reader");
});

test.serial("the 'share into a group' link shows only while the groups module is on", async (t) => {
  const siteAdmin = (await app.signedIn("admin")).client;
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Worth sharing" });
  const shareLink = `href="/groups/share/${id}"`;
  t.true((await reader.client.get(`/c/${id}`)).text.includes(shareLink));
  t.is((await siteAdmin.post("/admin/modules/groups/disable")).status, 302);
  try {
    t.false((await reader.client.get(`/c/${id}`)).text.includes(shareLink));
    t.false((await reader.client.get("/")).text.includes(shareLink));
    t.is((await reader.client.get(`/groups/share/${id}`)).status, 404);
  } finally {
    await siteAdmin.post("/admin/modules/groups/enable", { state: "enabled" });
  }
  t.true((await reader.client.get("/")).text.includes(shareLink), "back with the module");
});

test.serial("a pinned content of a module switched off in the group leaves the top of the group page too", async (t) => {
  const siteAdmin = (await app.signedIn("admin")).client;
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Pinned polls", visibility: "open" });
  t.is((await siteAdmin.post("/admin/modules/fixture-votes/enable", { state: "enabled" })).status, 302);
  t.is((await owner.client.post(`${group.url}/modules/fixture-votes`, { state: "enabled" })).status, 302);
  const created = await owner.client.post(`/g/${group.slug}/fixture-votes`, { question: "Lunch on the terrace?" });
  t.is(created.status, 302);
  const id = Number(/^\/c\/(\d+)$/.exec(created.location)?.[1]);
  t.is((await owner.client.post(`/c/${id}/pin`, {})).status, 302);
  const pinned = (await owner.client.get(group.url)).text;
  t.regex(pinned, new RegExp(`class="entry card entry-pinned"[^>]*id="content-${id}"`), "pinned on top while the module is on here");

  // The poll's rows outlive the switch: only the switch keeps it off the page.
  t.is((await owner.client.post(`${group.url}/modules/fixture-votes`, { state: "disabled" })).status, 302);
  const page = (await owner.client.get(group.url)).text;
  t.false(page.includes(`id="content-${id}"`));
  t.false(page.includes("Lunch on the terrace?"));
  await siteAdmin.post("/admin/modules/fixture-votes/disable");
});
