import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { usernameOf } from "../helpers/content.ts";
import { postMultipart, refusedPage } from "../attachments/helpers.ts";
import { addMember, createGroup, type CreatedGroup } from "../../modules/groups/test/helpers.ts";

// Composer kinds (ContentTypeDefinition.composer) through test/fixtures/modules/fixture-composer: a "Checklist"
// tab in core's composer, with its own field, switched on per group; and the dashboard's "Post to" list.
let app: TestApp;
let admin: Client;
let writer: { client: Client; userId: number };
let other: { client: Client; userId: number };
const groups: Record<"on" | "off" | "archived" | "readOnly" | "secret", CreatedGroup> = {} as never;
const kindAction = "/compose/fixture-checklist";
const tabLink = 'data-kind="fixture-checklist"';

const containerOf = (group: CreatedGroup) => ({ type: "group", id: group.id, slug: group.slug, name: "" });

test.before(async () => {
  app = await startApp();
  admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "fixture-composer"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  writer = await app.signedIn("member", { displayName: "Wanda Writer" });
  other = await app.signedIn("member", { displayName: "Otto Other" });
  groups.on = await createGroup(writer.client, { name: "Aa checklists on", visibility: "open" });
  groups.off = await createGroup(writer.client, { name: "Bb checklists off", visibility: "open" });
  groups.archived = await createGroup(writer.client, { name: "Cc archived", visibility: "open" });
  groups.readOnly = await createGroup(other.client, { name: "Dd read only", visibility: "open" });
  groups.secret = await createGroup(other.client, { name: "Ee secret", visibility: "secret" });
  await addMember(groups.readOnly.id, writer.userId, "member");
  for (const group of [groups.on, groups.archived, groups.readOnly, groups.secret]) await app.app.registry.setContainerState("fixture-composer", containerOf(group), "enabled");
  const { Group } = await import("../../modules/groups/models/group.ts");
  await Group.update({ isArchived: true }, { where: { id: groups.archived.id } });
  // In "Dd read only", only owners and admins post: a plain member reads it and cannot write there.
  const { GroupPermission } = await import("../../modules/groups/models/settings.ts");
  await GroupPermission.create({ groupId: groups.readOnly.id, permissionId: "groups.post", roles: JSON.stringify(["owner", "admin"]) });
  await GroupPermission.create({ groupId: groups.readOnly.id, permissionId: "fixture-composer.create", roles: JSON.stringify(["owner", "admin"]) });
});
test.after.always(() => app?.close());

const checklists = async () => {
  const { Content } = await import("../../core/models/content.ts");
  return Content.count({ where: { type: "fixture-checklist" } });
};
const checklistRows = async () => (await app.app.sequelize.query("SELECT title, items FROM fixture_checklists ORDER BY id", { type: "SELECT" })) as { title: string; items: string }[];

/** The "Post to" options of a page: value, label and whether the active kind may go there. */
function pickerOptions(html: string) {
  const select = /<select id="f-target" name="target">([\s\S]*?)<\/select>/.exec(html)?.[1] ?? "";
  return [...select.matchAll(/<option value="([^"]+)"([^>]*)>([^<]*)<\/option>/g)].map(([, value, attributes, label]) => ({ value, label, offered: !attributes.includes("disabled") }));
}

test.serial("the Checklist tab shows on the dashboard, a group where the module is on and the writer's profile; not where it is off", async (t) => {
  const dashboard = await writer.client.get("/");
  t.is(dashboard.status, 200);
  t.regex(dashboard.text, /<a href="\/\?kind=fixture-checklist" data-kind="fixture-checklist"[^>]*>Checklist<\/a>/, "a plain link opens the kind without JavaScript");
  t.regex(dashboard.text, /<a href="\/" data-kind="post"[^>]*aria-current="true">Post<\/a>/, "the post comes first and is open by default");
  t.regex(dashboard.text, /<fieldset class="composer-kind" data-kind="fixture-checklist" hidden disabled>/, "the kind's fields wait, hidden and not sent");

  const group = await writer.client.get(groups.on.url);
  t.true(group.text.includes(`<a href="${groups.on.url}?kind=fixture-checklist" ${tabLink}`));
  t.false((await writer.client.get(groups.off.url)).text.includes(tabLink), "switched off in that group: no tab");
  t.true((await writer.client.get(`/u/${await usernameOf(writer.userId)}`)).text.includes(tabLink), "a profile follows the site's switch");

  // ?kind= opens the tab without JavaScript: its fields shown and sent, the form posting to the kind's route.
  const opened = await writer.client.get(`${groups.on.url}?kind=fixture-checklist`);
  t.regex(opened.text, /<form class="composer card" method="post" action="\/compose\/fixture-checklist\?_csrf=/);
  t.regex(opened.text, /<fieldset class="composer-kind" data-kind="fixture-checklist">\s*<legend class="visually-hidden">Checklist<\/legend>\s*<div class="field">\s*<label for="f-checklist-items">Items, one a line<\/label>/);
  t.regex(opened.text, /<label for="f-body">What is it for\?<\/label>/, "the kind names core's text box");
  t.regex(opened.text, /<fieldset class="composer-kind" data-kind="post" hidden disabled>/);
});

test.serial("the Post to list offers the writer's profile and the groups they may post in, the kind only where its module is on", async (t) => {
  const forPosts = pickerOptions((await writer.client.get("/")).text);
  t.deepEqual(
    forPosts.map(({ value, label }) => [value, label]),
    [["company:0", "Company stream"], [`user:${writer.userId}`, "My profile"], [`group:${groups.on.id}`, "Aa checklists on"], [`group:${groups.off.id}`, "Bb checklists off"]],
    "not the archived group, not one where the writer may not post, not a secret group they are not in",
  );
  t.true(forPosts.every(({ offered }) => offered));

  const forChecklists = pickerOptions((await writer.client.get("/?kind=fixture-checklist")).text);
  // The company stream and profiles follow the site's switch; a group, its own.
  t.deepEqual(forChecklists.filter(({ offered }) => offered).map(({ value }) => value), ["company:0", `user:${writer.userId}`, `group:${groups.on.id}`], "where the module is on");
});

test.serial("a checklist posted from a group's composer writes its row and content, and shows in the group's stream", async (t) => {
  const before = await checklists();
  const response = await writer.client.post(kindAction, { target: `group:${groups.on.id}`, returnTo: groups.on.url, body: "Before the launch", items: "Fuel\n\nWeather\n" });
  t.is(response.status, 303);
  t.is(response.location, groups.on.url);
  t.is(await checklists(), before + 1);
  t.deepEqual((await checklistRows()).at(-1), { title: "Before the launch", items: "Fuel\nWeather" });
  const page = await other.client.get(groups.on.url);
  t.regex(page.text, /<div class="fixture-checklist"><p>Before the launch<\/p><ul><li>Fuel<\/li><li>Weather<\/li><\/ul><\/div>/, "another reader sees it in the stream");
  t.true((await writer.client.get(groups.on.url)).text.includes("flash-success"), "the writer is told it is published");
});

test.serial("invalid fields come back with their errors and what was typed; nothing is written", async (t) => {
  const before = await checklists();
  const noItems = await writer.client.post(kindAction, { target: `group:${groups.on.id}`, returnTo: groups.on.url, body: "Packing list", items: "  \n " });
  t.is(noItems.status, 422);
  t.true(noItems.text.includes("Write between 1 and 10 items."));
  t.regex(noItems.text, /<textarea id="f-body"[^>]*>Packing list<\/textarea>/, "the text typed is kept");
  t.regex(noItems.text, /<fieldset class="composer-kind" data-kind="fixture-checklist">/, "the kind's tab is open");
  t.regex(noItems.text, new RegExp(`<option value="group:${groups.on.id}" data-kinds="[^"]*" selected>`), "the place chosen is kept");

  const noTitle = await writer.client.post(kindAction, { target: `group:${groups.on.id}`, body: "  ", items: "Tent" });
  t.is(noTitle.status, 422, "the kind requires core's text box");
  t.regex(noTitle.text, /<textarea id="f-checklist-items"[^>]*>Tent<\/textarea>/);

  // Sent as the browser sends it (multipart, token in the address): a clean address shows the form again.
  const multipart = await postMultipart(writer.client, kindAction, { target: `group:${groups.on.id}`, body: "Camping", items: "x".repeat(101) });
  const shown = await refusedPage(writer.client, multipart);
  t.is(shown.status, 422);
  t.true(shown.text.includes("An item is at most 100 characters."));
  t.regex(shown.text, /<textarea id="f-body"[^>]*>Camping<\/textarea>/);
  t.is(await checklists(), before);

  // The kind's submit refuses (an HttpError thrown in its write): the same form, its status, the message at the top.
  const refusedBySubmit = await writer.client.post(kindAction, { target: `group:${groups.on.id}`, returnTo: groups.on.url, body: "Twice", items: "Tent\nTent" });
  t.is(refusedBySubmit.status, 409);
  t.regex(refusedBySubmit.text, /<div class="flash flash-error refused-box"[^>]*>[\s\S]*?An item is written twice/);
  t.regex(refusedBySubmit.text, /<textarea id="f-checklist-items"[^>]*>Tent\nTent<\/textarea>/);
  const multipartRefused = await refusedPage(writer.client, await postMultipart(writer.client, kindAction, { target: `group:${groups.on.id}`, body: "Twice", items: "Tent\nTent" }));
  t.is(multipartRefused.status, 409);
  t.true(multipartRefused.text.includes("An item is written twice"));
  const moduleRefusal = await writer.client.post(kindAction, { target: `group:${groups.on.id}`, returnTo: groups.on.url, body: "Module", items: "module-error" });
  t.is(moduleRefusal.status, 409, "a ModuleError with a translation key: 409");
  t.true(moduleRefusal.text.includes("Checklists cannot be written here right now."));
  t.is(await checklists(), before, "the row written before the refusal is taken back");
});

test.serial("a place the writer may not write in is refused, a secret group answering like one that does not exist; nothing is written", async (t) => {
  const before = await checklists();
  const send = (target: string) => writer.client.post(kindAction, { target, body: "Sneaky", items: "One" });
  const secret = await send(`group:${groups.secret.id}`);
  const missing = await send("group:987654");
  t.is(secret.status, 422);
  t.is(missing.status, 422);
  t.true(secret.text.includes("Choose where to post."));
  t.is(secret.text.replace(/group:\d+/g, ""), missing.text.replace(/group:\d+/g, ""), "the same page for both");
  t.is((await send(`group:${groups.readOnly.id}`)).status, 403, "a member without the posting right");
  t.is((await send(`group:${groups.archived.id}`)).status, 403, "an archived group");
  const off = await send(`group:${groups.off.id}`);
  t.is(off.status, 403, "the module is off in that group");
  t.true(off.text.includes("This kind of content cannot be written there"));
  t.is((await send("nowhere")).status, 422);
  t.is(await checklists(), before);
});

test.serial("a post sent to a place picked by hand gets the same checks: a secret group answers like a missing one", async (t) => {
  const { Content } = await import("../../core/models/content.ts");
  const before = await Content.count();
  const send = (target: string) => writer.client.post("/posts", { target, body: "Hello from outside" });
  const secret = await send(`group:${groups.secret.id}`);
  const missing = await send("group:987654");
  t.is(secret.status, 422);
  t.is(missing.status, 422);
  t.is(secret.text.replace(/group:\d+/g, ""), missing.text.replace(/group:\d+/g, ""), "the same page for both");
  t.is((await send(`group:${groups.readOnly.id}`)).status, 403);
  t.is((await send(`group:${groups.archived.id}`)).status, 403);
  t.is(await Content.count(), before);
});

test.serial("where the kind's own create permission is not the writer's, the tab is not offered and the kind is refused", async (t) => {
  const ownersOnly = await createGroup(other.client, { name: "Ff owners write checklists", visibility: "open" });
  await addMember(ownersOnly.id, writer.userId, "member");
  await app.app.registry.setContainerState("fixture-composer", containerOf(ownersOnly), "enabled");
  const { GroupPermission } = await import("../../modules/groups/models/settings.ts");
  await GroupPermission.create({ groupId: ownersOnly.id, permissionId: "fixture-composer.create", roles: JSON.stringify(["owner"]) });
  const page = await writer.client.get(ownersOnly.url);
  t.true(page.text.includes('<form class="composer card"'), "the writer may still post there");
  t.false(page.text.includes(tabLink));
  t.true((await other.client.get(ownersOnly.url)).text.includes(tabLink), "its owner gets the tab");
  const before = await checklists();
  t.is((await writer.client.post(kindAction, { target: `group:${ownersOnly.id}`, body: "Mine", items: "One" })).status, 403);
  t.is(await checklists(), before);
});

test.serial("switched off for the site: no tab anywhere, and its route is gone", async (t) => {
  t.is((await admin.post("/admin/modules/fixture-composer/disable", {})).status, 302);
  try {
    t.false((await writer.client.get("/")).text.includes(tabLink));
    t.false((await writer.client.get(groups.on.url)).text.includes(tabLink));
    t.is((await writer.client.post(kindAction, { target: `group:${groups.on.id}`, body: "Late", items: "One" })).status, 404);
    t.false((await writer.client.get("/")).text.includes("data-composer-kinds"), "the composer is the post's alone again");
  } finally {
    await admin.post("/admin/modules/fixture-composer/enable", { state: "enabled" });
  }
});

test.serial("the Post to list is remembered for a reader (no statement for it on a dashboard seen again) and made again when what it shows changes", async (t) => {
  const { statementsFor } = await import("../helpers/queries.ts");
  const reader = await app.signedIn("member", { displayName: "Rita Remembered" });
  const owner = (await app.signedIn("member")).client;
  const kept = await createGroup(owner, { name: "Gg kept", visibility: "open" });
  const rights = await createGroup(owner, { name: "Hh rights", visibility: "open" });
  const later = await createGroup(owner, { name: "Ii later", visibility: "open" });
  for (const group of [kept, rights]) await addMember(group.id, reader.userId, "member");
  await app.app.registry.setContainerState("fixture-composer", containerOf(kept), "enabled");
  const groupsOf = async () => pickerOptions((await reader.client.get("/")).text).filter(({ value }) => value.startsWith("group:"));
  const checklistIn = async () => pickerOptions((await reader.client.get("/?kind=fixture-checklist")).text).filter(({ offered }) => offered).map(({ value }) => value);

  t.deepEqual((await groupsOf()).map(({ label }) => label), ["Gg kept", "Hh rights"]);
  const again = await statementsFor(app, reader.client, "/");
  t.deepEqual(again.filter((sql) => /group_permissions|group_memberships|FROM [`"]module_states[`"] AS/.test(sql)), [], again.join("\n"));
  t.deepEqual(pickerOptions((await reader.client.get("/")).text), pickerOptions((await reader.client.get("/")).text), "the same list from memory");

  // Posting rights changed by another process (plain SQL: no model hook of this one hears of it): the group leaves the list.
  await app.app.sequelize.query("INSERT INTO group_permissions (group_id, permission_id, roles, created_at, updated_at) VALUES (:id, 'groups.post', :roles, :now, :now)", {
    replacements: { id: rights.id, roles: JSON.stringify(["owner", "admin"]), now: new Date() },
  });
  t.deepEqual((await groupsOf()).map(({ label }) => label), ["Gg kept"]);
  await app.app.sequelize.query("DELETE FROM group_permissions WHERE group_id = :id", { replacements: { id: rights.id } });
  t.deepEqual((await groupsOf()).map(({ label }) => label), ["Gg kept", "Hh rights"], "and comes back when they are restored");

  // A new membership, a renamed group, the kind switched on or off in a group: each shows on the next dashboard.
  await addMember(later.id, reader.userId, "member");
  t.deepEqual((await groupsOf()).map(({ label }) => label), ["Gg kept", "Hh rights", "Ii later"]);
  await app.app.sequelize.query("UPDATE groups SET name = 'Ii renamed' WHERE id = :id", { replacements: { id: later.id } });
  t.true((await groupsOf()).some(({ value, label }) => value === `group:${later.id}` && label === "Ii renamed"));
  t.true((await checklistIn()).includes(`group:${kept.id}`));
  t.false((await checklistIn()).includes(`group:${rights.id}`));
  await app.app.registry.setContainerState("fixture-composer", containerOf(rights), "enabled");
  await app.app.registry.setContainerState("fixture-composer", containerOf(kept), "disabled");
  const switched = await checklistIn();
  t.true(switched.includes(`group:${rights.id}`) && !switched.includes(`group:${kept.id}`), switched.join(" "));

  // Another reader's list is their own, and a French page names the places in French (the language is in the key).
  t.deepEqual(
    pickerOptions((await owner.get("/")).text).filter(({ value }) => value.startsWith("group:")).map(({ label }) => label),
    ["Gg kept", "Hh rights", "Ii renamed"],
  );
  // The composer as remembered carries the session's own CSRF token: a second session of the same reader gets its own.
  const phone = app.client();
  await phone.login(reader.account.email, reader.account.password);
  const tokenOf = (html: string) => /<form class="composer card"[^>]*>\s*<input type="hidden" name="_csrf" value="([^"]+)">/.exec(html)?.[1];
  const desk = tokenOf((await reader.client.get("/")).text);
  const second = tokenOf((await phone.get("/")).text);
  t.truthy(desk && second);
  t.not(desk, second);
  t.is(tokenOf((await reader.client.get("/")).text), desk);
  t.is((await phone.post("/posts", { target: `user:${reader.userId}`, body: "From the phone's composer", _csrf: second! }, { csrf: false })).status, 302, "the token the phone's composer carries is its session's");

  const french = pickerOptions((await reader.client.get("/", { "accept-language": "fr" })).text);
  t.is(french.find(({ value }) => value === `user:${reader.userId}`)?.label, "Mon profil");
  t.is(pickerOptions((await reader.client.get("/")).text).find(({ value }) => value === `user:${reader.userId}`)?.label, "My profile");
});
