import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import type { User } from "../../core/models/user.ts";

// The fixture-notes module (test/fixtures/modules) proves the module contract end to end, off then on then off.
let app: TestApp;
let admin: Client;
let member: Client;
let guest: Client;

test.before(async () => {
  app = await startApp();
  admin = (await app.signedIn("admin")).client;
  member = (await app.signedIn("member")).client;
  guest = (await app.signedIn("guest")).client;
});
test.after.always(() => app?.close());

async function noteBodies(): Promise<string[]> {
  const rows = await app.app.sequelize.query<{ body: string }>("SELECT body FROM fixture_notes ORDER BY id", { type: QueryTypes.SELECT });
  return rows.map((row) => row.body);
}

async function tableExists(table: string) {
  const tables = (await app.app.sequelize.getQueryInterface().showAllTables()) as unknown[];
  return tables.map((entry) => (typeof entry === "string" ? entry : (entry as { tableName: string }).tableName)).includes(table);
}

/** Fires "user.created" the way core does after creating an account. */
async function announceNewUser(displayName: string) {
  const { userId } = await app.createUser({ displayName });
  const { User: UserModel } = await import("../../core/models/user.ts");
  const user = (await UserModel.findByPk(userId)) as User;
  await app.app.registry.hooks.emit("user.created", { user });
}

const footerOf = (html: string) => html.slice(html.indexOf('<footer class="footer">'));
const navOf = (html: string) => html.slice(html.indexOf('<details class="sidebar"'), html.indexOf("</nav>", html.indexOf('<details class="sidebar"')));

test.serial("a module that is off shows nothing, yet its migration has run", async (t) => {
  t.true(await tableExists("fixture_notes"));
  t.is((await member.get("/fixture-notes")).status, 404);
  t.is((await member.post("/fixture-notes", { body: "sneaky" })).status, 404);
  const home = await member.get("/");
  t.is(home.status, 200);
  t.notRegex(navOf(home.text), /href="\/fixture-notes"/);
  t.notRegex(footerOf(home.text), /href="\/fixture-notes"/);
  await announceNewUser("Olga Off");
  t.deepEqual(await noteBodies(), [], "a disabled module's hook does not run");
});

test.serial("enabling it from the admin page turns on its route, template, menu item, footer link and hook", async (t) => {
  const response = await admin.post("/admin/modules/fixture-notes/enable", { state: "enabled" });
  t.is(response.status, 302);
  t.is(response.location, "/admin/modules");
  t.regex((await admin.get("/admin/modules")).text, /Notes \(test fixture\) is now on/);

  const page = await member.get("/fixture-notes");
  t.is(page.status, 200);
  t.regex(page.text, /<h1>Notes<\/h1>/, "the module's template, inside the site layout");
  t.regex(page.text, /class="topbar"/);
  t.regex(page.text, /No notes yet/);

  const home = await member.get("/");
  t.regex(navOf(home.text), /<a href="\/fixture-notes">Notes<\/a>/, "menu item in the left navigation");
  t.regex(footerOf(home.text), /<a href="\/fixture-notes">About notes<\/a>/, "footer link from the filter hook");

  const french = await member.get("/fixture-notes", { "accept-language": "fr" });
  t.regex(french.text, /Pas encore de notes/, "the module's own French catalogue");

  await announceNewUser("Wanda Welcome");
  t.deepEqual(await noteBodies(), ["welcome Wanda Welcome"]);
  t.regex((await member.get("/fixture-notes")).text, /welcome Wanda Welcome/);

  const [entry] = await app.app.sequelize.query<{ action: string; subject_id: string; details: string }>(
    "SELECT action, subject_id, details FROM audit_log WHERE action = 'module.enable' ORDER BY id DESC",
    { type: QueryTypes.SELECT },
  );
  t.is(entry?.subject_id, "fixture-notes");
  t.deepEqual(JSON.parse(entry.details), { state: "enabled" });
});

test.serial("the module's permission: a guest gets 403 on the guarded POST, a member may post", async (t) => {
  const before = await noteBodies();
  const guestPage = await guest.get("/fixture-notes");
  t.is(guestPage.status, 200);
  t.notRegex(guestPage.text, /action="\/fixture-notes" method="post"/, "no form for someone without the permission");
  t.is((await guest.post("/fixture-notes", { body: "from a guest" })).status, 403);
  t.deepEqual(await noteBodies(), before);

  const posted = await member.post("/fixture-notes", { body: "hello from a member" });
  t.is(posted.status, 302);
  t.regex((await member.get("/fixture-notes")).text, /hello from a member/);

  const empty = await member.post("/fixture-notes", { body: "   " });
  t.is(empty.status, 422);
  t.deepEqual(await noteBodies(), [...before, "hello from a member"]);

  const anonymous = app.client();
  const redirected = await anonymous.get("/fixture-notes");
  t.is(redirected.status, 302);
  t.regex(redirected.location, /^\/login/);
});

test.serial("the slow route answers after the delay it was asked for, capped at 2 s", async (t) => {
  const started = Date.now();
  const response = await app.client().get("/fixture-notes/slow?ms=150");
  t.is(response.status, 200);
  t.is(response.text, "slept 150 ms");
  t.true(Date.now() - started >= 140);
  t.is((await app.client().get("/fixture-notes/slow?ms=5000")).status, 400);
});

test.serial("disabling it hides its route, menu item and footer link, stops its hook and runs its clean-up", async (t) => {
  t.not((await noteBodies()).length, 0);
  const response = await admin.post("/admin/modules/fixture-notes/disable");
  t.is(response.status, 302);

  t.is((await member.get("/fixture-notes")).status, 404);
  t.is((await member.post("/fixture-notes", { body: "too late" })).status, 404);
  const home = await member.get("/");
  t.notRegex(navOf(home.text), /href="\/fixture-notes"/);
  t.notRegex(footerOf(home.text), /href="\/fixture-notes"/);

  t.deepEqual(await noteBodies(), [], "onDisable deleted the module's notes");
  t.true(await tableExists("fixture_notes"), "the table stays: switching off is not uninstalling");
  await announceNewUser("Nora Nobody");
  t.deepEqual(await noteBodies(), [], "the hook no longer runs");

  const [entry] = await app.app.sequelize.query<{ subject_id: string }>("SELECT subject_id FROM audit_log WHERE action = 'module.disable'", { type: QueryTypes.SELECT });
  t.is(entry?.subject_id, "fixture-notes");
});

test.serial("switched on again, it starts from a clean slate and works", async (t) => {
  t.is((await admin.post("/admin/modules/fixture-notes/enable", { state: "enabled" })).status, 302);
  const page = await member.get("/fixture-notes");
  t.is(page.status, 200);
  t.regex(page.text, /No notes yet/);
  t.is((await member.post("/fixture-notes", { body: "second life" })).status, 302);
  t.deepEqual(await noteBodies(), ["second life"]);
});

test.serial("a switch made by another process sharing the database is picked up on the next refresh", async (t) => {
  t.true(app.app.registry.isEnabled("fixture-notes"));
  await app.app.sequelize.query("UPDATE module_states SET state = 'disabled' WHERE module_id = 'fixture-notes' AND container_id IS NULL");
  await app.app.registry.refreshIfStale(60_000);
  t.true(app.app.registry.isEnabled("fixture-notes"), "not stale yet: no query");
  await app.app.registry.refreshIfStale(0);
  t.false(app.app.registry.isEnabled("fixture-notes"));
  t.is((await member.get("/fixture-notes")).status, 404);
});
