import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";

// /admin/modules: who may use it, what it lists (including modules that failed to load), and the requires rules.
let app: TestApp;
let admin: Client;

test.before(async () => {
  app = await startApp();
  admin = (await app.signedIn("admin")).client;
});
test.after.always(() => app?.close());

const rowOf = (html: string, id: string) => {
  const start = html.indexOf(`<tr id="module-${id}"`);
  return start < 0 ? "" : html.slice(start, html.indexOf("</tr>", start));
};
const stateOf = (id: string) => app.app.registry.list().find((module) => module.id === id)?.state;

test.serial("the server started although two modules are broken, and the rest of the app works", async (t) => {
  const member = (await app.signedIn("member")).client;
  const home = await member.get("/");
  t.is(home.status, 200);
  t.notRegex(home.text, /href="\/fixture-broken"/, "a broken module enabled by default stays off");
  t.is((await fetch(`${app.url}/healthz`)).status, 200);
  const broken = app.app.registry.list().filter((module) => module.error).map((module) => module.id);
  t.deepEqual(broken.sort(), ["fixture-broken", "fixture-broken-import", "fixture-rooms-clash"]);
  t.false(app.app.registry.isEnabled("fixture-broken"));
});

test.serial("only admins reach the modules page and its forms", async (t) => {
  const anonymous = app.client();
  const page = await anonymous.get("/admin/modules");
  t.is(page.status, 302);
  t.is(page.location, `/login?next=${encodeURIComponent("/admin/modules")}`);

  for (const role of ["member", "guest"] as const) {
    const { client } = await app.signedIn(role);
    t.is((await client.get("/admin/modules")).status, 403, `${role} page`);
    t.is((await client.post("/admin/modules/fixture-notes/enable", { state: "enabled" })).status, 403, `${role} enable`);
    t.is((await client.post("/admin/modules/fixture-notes/disable")).status, 403, `${role} disable`);
  }
  t.is((await anonymous.post("/admin/modules/fixture-notes/enable", { state: "enabled" })).status, 302);
  t.is(stateOf("fixture-notes"), "disabled", "nothing changed");
  t.false(app.app.registry.isEnabled("fixture-notes"));
});

test.serial("the page lists every module with its name, description, version, requirements, scope and state, and the failed ones with why", async (t) => {
  const page = await admin.get("/admin/modules");
  t.is(page.status, 200);
  const notes = rowOf(page.text, "fixture-notes");
  t.regex(notes, /Notes \(test fixture\)/);
  t.regex(notes, /proves the module contract/);
  t.regex(notes, /1\.2\.0/);
  t.regex(notes, /Whole site/);
  t.regex(notes, /data-state="disabled"/);
  t.regex(notes, /action="\/admin\/modules\/fixture-notes\/enable"/);
  t.notRegex(notes, /value="forced"/, "an instance-only module cannot be forced into groups");

  const dependent = rowOf(page.text, "fixture-dependent");
  t.regex(dependent, /Dependent \(test fixture\)/);
  t.regex(dependent, /<td>fixture-notes<\/td>/, "its requirement is shown");

  t.is(rowOf(page.text, "fixture-broken"), "", "failed modules are not offered a switch");
  const failed = page.text.slice(page.text.indexOf("Modules that failed to load"));
  t.regex(failed, /fixture-broken<\/code>: <span class="error">fixture-broken failed on purpose while registering/);
  t.regex(failed, /fixture-broken-import<\/code>: <span class="error">fixture-broken-import failed on purpose at import time/);

  const french = await admin.get("/admin/modules", { "accept-language": "fr" });
  t.regex(french.text, /Modules qui n&#39;ont pas pu être chargés/);
  t.regex(rowOf(french.text, "fixture-notes"), /Notes \(module de test\)/);
});

test.serial("a failed module cannot be switched on; unknown modules and bad states are refused", async (t) => {
  const refused = await admin.post("/admin/modules/fixture-broken/enable", { state: "enabled" });
  t.is(refused.status, 409);
  t.regex(refused.text, /could not be loaded, so it cannot be switched on/);
  t.false(app.app.registry.isEnabled("fixture-broken"));

  t.is((await admin.post("/admin/modules/no-such-module/enable", { state: "enabled" })).status, 404);
  t.is((await admin.post("/admin/modules/no-such-module/disable")).status, 404);

  const badState = await admin.post("/admin/modules/fixture-notes/enable", { state: "sideways" });
  t.is(badState.status, 422);
  t.regex(badState.text, /Choose a valid state/);
  const forced = await admin.post("/admin/modules/fixture-notes/enable", { state: "forced" });
  t.is(forced.status, 409);
  t.regex(forced.text, /cannot be forced on in every group/);
  t.is(stateOf("fixture-notes"), "disabled");

  const [{ count }] = await app.app.sequelize.query<{ count: number | string }>("SELECT COUNT(*) AS count FROM audit_log WHERE action LIKE 'module.%'", { type: QueryTypes.SELECT });
  t.is(Number(count), 0, "refused changes are not audited");
});

test.serial("a module cannot be switched on before the module it requires, and its requirement cannot go off under it", async (t) => {
  const early = await admin.post("/admin/modules/fixture-dependent/enable", { state: "enabled" });
  t.is(early.status, 409);
  t.regex(early.text, /Switch on the modules it requires first/);
  t.is(stateOf("fixture-dependent"), "disabled");

  t.is((await admin.post("/admin/modules/fixture-notes/enable", { state: "enabled" })).status, 302);
  t.is((await admin.post("/admin/modules/fixture-dependent/enable", { state: "enabled" })).status, 302);
  const member = (await app.signedIn("member")).client;
  t.is((await member.get("/fixture-dependent")).status, 200);

  const page = await admin.get("/admin/modules");
  t.regex(rowOf(page.text, "fixture-notes"), /Needed by: fixture-dependent/);
  t.regex(rowOf(page.text, "fixture-notes"), /data-confirm="Switch off Notes \(test fixture\)\?/);

  const blocked = await admin.post("/admin/modules/fixture-notes/disable");
  t.is(blocked.status, 409);
  t.regex(blocked.text, /Other modules that are on need this one/);
  t.true(app.app.registry.isEnabled("fixture-notes"));
  t.is((await member.get("/fixture-notes")).status, 200);

  t.is((await admin.post("/admin/modules/fixture-dependent/disable")).status, 302);
  t.is((await member.get("/fixture-dependent")).status, 404);
  t.is((await admin.post("/admin/modules/fixture-notes/disable")).status, 302);
  t.false(app.app.registry.isEnabled("fixture-notes"));
});
