import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { addMember, createGroup, type CreatedGroup } from "../../modules/groups/test/helpers.ts";

// Module settings (core/modules/settings.ts), proven by test/fixtures/modules/fixture-settings.
let app: TestApp;
let admin: Client;
let owner: { client: Client; userId: number };
let member: { client: Client; userId: number };
let outsider: { client: Client; userId: number };
let quiet: CreatedGroup;
let other: CreatedGroup;

const json = async (client: Client, path: string) => {
  const response = await client.get(path, { accept: "application/json" });
  return { status: response.status, body: response.status === 200 ? JSON.parse(response.text) : null };
};
const settingsRows = async () =>
  app.app.sequelize.query<{ module_id: string; scope_key: string; values: string }>("SELECT module_id, scope_key, \"values\" FROM module_settings ORDER BY id", { type: QueryTypes.SELECT });

test.before(async () => {
  app = await startApp();
  admin = (await app.signedIn("admin")).client;
  owner = await app.signedIn("member", { displayName: "Olive Owner" });
  member = await app.signedIn("member", { displayName: "Milo Member" });
  outsider = await app.signedIn("member", { displayName: "Otto Outsider" });
  t_ok((await admin.post("/admin/modules/groups/enable", { state: "enabled" })).status);
  t_ok((await admin.post("/admin/modules/fixture-settings/enable", { state: "enabled" })).status);
  quiet = await createGroup(owner.client, { name: "Quiet readers", visibility: "secret" });
  other = await createGroup(owner.client, { name: "Loud readers", visibility: "open" });
  await addMember(quiet.id, member.userId);
  for (const group of [quiet, other]) {
    await app.app.registry.setContainerState("fixture-settings", { type: "group", id: group.id, slug: group.slug, name: "" }, "enabled");
  }
});
test.after.always(() => app?.close());

function t_ok(status: number) {
  if (status !== 302) throw new Error(`set-up refused: ${status}`);
}

test.serial("the site's form shows every declared field with its defaults; a module reads the defaults before any save", async (t) => {
  const list = (await admin.get("/admin/modules")).text;
  t.true(list.includes('href="/admin/modules/fixture-settings/settings"'), "the modules page links to it");
  t.false(list.includes('href="/admin/modules/fixture-notes/settings"'), "not for a module without settings");
  const page = await admin.get("/admin/modules/fixture-settings/settings");
  t.is(page.status, 200);
  for (const label of ["Greeting", "Shown at the top of the page.", "Daily limit", "Show the badge", "Tone", "Warm", "Formal"]) t.true(page.text.includes(label), label);
  t.regex(page.text, /name="greeting"[^>]*value="Hello"/);
  t.regex(page.text, /name="showBadge" value="1" checked/);
  t.deepEqual((await json(admin, "/fixture-settings")).body, { greeting: "Hello", dailyLimit: 5, showBadge: true, tone: "warm" });
});

test.serial("saving the site's settings stores typed values, audits them, and the module reads them", async (t) => {
  const saved = await admin.post("/admin/modules/fixture-settings/settings", { greeting: "  Bonjour  ", dailyLimit: "12", tone: "formal" });
  t.is(saved.status, 302);
  t.is(saved.location, "/admin/modules/fixture-settings/settings");
  t.true((await admin.get(saved.location)).text.includes("Settings saved."));
  // The checkbox was not sent: off.
  t.deepEqual((await json(admin, "/fixture-settings")).body, { greeting: "Bonjour", dailyLimit: 12, showBadge: false, tone: "formal" });
  const [audit] = await app.app.sequelize.query<{ details: string }>("SELECT details FROM audit_log WHERE action = 'module.settings' ORDER BY id DESC LIMIT 1", { type: QueryTypes.SELECT });
  t.deepEqual(JSON.parse(audit?.details ?? "null"), { greeting: "Bonjour", dailyLimit: 12, showBadge: false, tone: "formal" });
});

test.serial("bad values answer 422 with each field's error and what was typed, and change nothing", async (t) => {
  const before = await settingsRows();
  const refused = await admin.post("/admin/modules/fixture-settings/settings", { greeting: "", dailyLimit: "9000", showBadge: "1", tone: "loud" });
  t.is(refused.status, 422);
  t.true(refused.text.includes("Choose a whole number from 1 to 50."));
  t.regex(refused.text, /id="e-greeting"/);
  t.regex(refused.text, /id="e-tone"/);
  t.regex(refused.text, /name="dailyLimit"[^>]*value="9000"/, "what was typed is kept");
  t.regex(refused.text, /name="showBadge" value="1" checked/);
  t.deepEqual(await settingsRows(), before);
  t.is((await json(admin, "/fixture-settings")).body.dailyLimit, 12);

  // A checkbox takes only what the form sends when ticked ("1"), or nothing (off): "false", "on", "" and lists are refused.
  const valid = { greeting: "Bonjour", dailyLimit: "12", tone: "formal" };
  for (const showBadge of ["false", "true", "on", "0", "", "yes"]) {
    const garbage = await admin.post("/admin/modules/fixture-settings/settings", { ...valid, showBadge });
    t.is(garbage.status, 422, `showBadge=${JSON.stringify(showBadge)}`);
    t.regex(garbage.text, /<small class="error" id="e-showBadge">This value is not valid.<\/small>/);
    t.notRegex(garbage.text, /name="showBadge" value="1" checked/, "not shown ticked");
  }
  t.is((await admin.post("/admin/modules/fixture-settings/settings", { ...valid, showBadge: ["1", "1"] })).status, 422, "a checkbox sent twice");
  t.deepEqual(await settingsRows(), before, "nothing saved");
  t.false((await json(admin, "/fixture-settings")).body.showBadge, "still off");
  t.is((await admin.post("/admin/modules/fixture-settings/settings", { ...valid, showBadge: "1" })).status, 302);
  t.true((await json(admin, "/fixture-settings")).body.showBadge, "ticked: on");
  t.is((await admin.post("/admin/modules/fixture-settings/settings", valid)).status, 302);
  t.false((await json(admin, "/fixture-settings")).body.showBadge, "not sent: off");
});

test.serial("only the site's admins reach its settings; a module without settings or an unknown one is 404", async (t) => {
  t.is((await member.client.get("/admin/modules/fixture-settings/settings")).status, 403);
  const before = await settingsRows();
  t.is((await member.client.post("/admin/modules/fixture-settings/settings", { greeting: "pwned", dailyLimit: "1", tone: "warm" })).status, 403);
  t.deepEqual(await settingsRows(), before);
  t.is((await admin.get("/admin/modules/fixture-notes/settings")).status, 404);
  t.is((await admin.get("/admin/modules/no-such-module/settings")).status, 404);
});

test.serial("a group's managers set the module's group settings; each group keeps its own", async (t) => {
  const page = await owner.client.get(`${quiet.url}/fixture-settings/settings`);
  t.is(page.status, 200);
  t.true(page.text.includes("Welcome text"));
  t.true(page.text.includes("Quiet readers"));
  const saved = await owner.client.post(`${quiet.url}/fixture-settings/settings`, { welcome: "Shh, <b>please</b>", isQuiet: "1" });
  t.is(saved.status, 302);
  t.is(saved.location, `${quiet.url}/fixture-settings/settings`);
  t.deepEqual((await json(member.client, `${quiet.url}/fixture-settings`)).body, { welcome: "Shh, <b>please</b>", isQuiet: true });
  t.deepEqual((await json(owner.client, `${other.url}/fixture-settings`)).body, { welcome: "", isQuiet: false }, "another group keeps the defaults");
  t.deepEqual((await json(admin, "/fixture-settings")).body.greeting, "Bonjour", "the site's settings are untouched");
  const again = await owner.client.get(`${quiet.url}/fixture-settings/settings`);
  t.true(again.text.includes("Shh, &lt;b&gt;please&lt;/b&gt;"), "escaped on the form");
});

test.serial("a member who does not manage the group gets 403, an outsider of a secret group 404, and neither writes", async (t) => {
  const before = await settingsRows();
  t.is((await member.client.get(`${quiet.url}/fixture-settings/settings`)).status, 403);
  t.is((await member.client.post(`${quiet.url}/fixture-settings/settings`, { welcome: "hijack" })).status, 403);
  t.is((await outsider.client.get(`${quiet.url}/fixture-settings/settings`)).status, 404);
  t.is((await outsider.client.post(`${quiet.url}/fixture-settings/settings`, { welcome: "hijack" })).status, 404);
  t.is((await outsider.client.get(`/g/no-such-group/fixture-settings/settings`)).status, 404);
  t.deepEqual(await settingsRows(), before);
  // The site's admins manage every group's settings.
  t.is((await admin.get(`${quiet.url}/fixture-settings/settings`)).status, 200);
});

test.serial("where the module is off in a group its settings page is 404; a bad value there is 422 and writes nothing", async (t) => {
  await app.app.registry.setContainerState("fixture-settings", { type: "group", id: other.id, slug: other.slug, name: "" }, "disabled");
  t.is((await owner.client.get(`${other.url}/fixture-settings/settings`)).status, 404);
  const before = await settingsRows();
  const refused = await owner.client.post(`${quiet.url}/fixture-settings/settings`, { welcome: "x".repeat(201) });
  t.is(refused.status, 422);
  t.deepEqual(await settingsRows(), before);
});

test.serial("a module reads a scope only through the settings object it declared for it", async (t) => {
  const response = await admin.get("/fixture-settings/misread");
  t.is(response.status, 500);
  const { settingsReader } = await import("../../core/modules/settings.ts");
  const { siteSettings, groupSettings } = await import("../fixtures/modules/fixture-settings/index.ts");
  const reader = settingsReader("fixture-settings", () => app.app.registry.definition("fixture-settings"));
  await t.throwsAsync(reader.read(groupSettings), { message: /declared for instance/ });
  t.is((await reader.read(siteSettings)).tone, "formal");
});
