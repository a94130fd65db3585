import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";

// Modules' admin pages under /admin/<id> and the "user" and "admin" menus, proven by test/fixtures/modules/fixture-admin.
let app: TestApp;
let admin: Client;
let member: Client;
let guest: Client;

/** The admin console's left navigation of a page. */
const adminSidebar = (html: string) => /<h2 class="sidebar-title">[\s\S]*?<\/ul>/.exec(html)?.[0] ?? "";
/** The account menu of a page. */
const accountMenu = (html: string) => /<details class="user-menu">[\s\S]*?<\/details>/.exec(html)?.[0] ?? "";

test.before(async () => {
  app = await startApp();
  admin = (await app.signedIn("admin")).client;
  member = (await app.signedIn("member")).client;
  guest = (await app.signedIn("guest")).client;
  const enabled = await admin.post("/admin/modules/fixture-admin/enable", { state: "enabled" });
  if (enabled.status !== 302) throw new Error(`set-up refused: ${enabled.status}`);
});
test.after.always(() => app?.close());

test.serial("an admin sees the module's page inside the admin layout, its sidebar entry among core's sections and marked current", async (t) => {
  const page = await admin.get("/admin/fixture-admin");
  t.is(page.status, 200);
  t.true(page.text.includes("<h1>Fixture console</h1>"));
  t.true(page.text.includes("Only the site&#39;s admins see this page."));
  const sidebar = adminSidebar(page.text);
  t.regex(sidebar, /<a href="\/admin\/fixture-admin" aria-current="page">Fixture console<\/a>/);
  t.regex(sidebar, /<a href="\/admin">Overview<\/a>/, "Overview is not current here");
  // Ordered by `order`: after Modules (30), before Profile fields (40).
  const labels = [...sidebar.matchAll(/<a href="([^"]+)"/g)].map((match) => match[1]);
  t.deepEqual(labels.slice(0, 5), ["/admin", "/admin/users", "/admin/invitations", "/admin/modules", "/admin/fixture-admin"]);

  const reports = await admin.get("/admin/fixture-admin/reports");
  t.is(reports.status, 200);
  t.true(reports.text.includes("<h1>Fixture reports</h1>"));
  t.regex(adminSidebar(reports.text), /<a href="\/admin\/fixture-admin" aria-current="page">/, "a page under it keeps the entry current");
  t.is((await admin.get("/admin/fixture-admin/no-such-page")).status, 404);
});

test.serial("core's admin pages list the module's entry too, not current there", async (t) => {
  const users = await admin.get("/admin/users");
  const sidebar = adminSidebar(users.text);
  t.regex(sidebar, /<a href="\/admin\/fixture-admin">Fixture console<\/a>/);
  t.regex(sidebar, /<a href="\/admin\/users" aria-current="page">/);
  t.is((await admin.get("/admin")).text.match(/aria-current="page">Overview/g)?.length, 1);
});

test.serial("a member or a guest is refused the module's admin pages; a signed-out visitor is sent to log in", async (t) => {
  t.is((await member.get("/admin/fixture-admin")).status, 403);
  t.is((await guest.get("/admin/fixture-admin/reports")).status, 403);
  const anonymous = await app.client().get("/admin/fixture-admin/reports");
  t.is(anonymous.status, 302);
  t.is(anonymous.location, `/login?next=${encodeURIComponent("/admin/fixture-admin/reports")}`);
  t.false((await member.get("/")).text.includes("Fixture console"), "no admin entry for a member");
});

test.serial("the account menu shows the module's entries to signed-in people, each behind its permission, the current one marked", async (t) => {
  const memberMenu = accountMenu((await member.get("/")).text);
  t.regex(memberMenu, /<a href="\/account">[^<]+<\/a><\/li>\s*<li><a href="\/fixture-admin\/mine">My fixture page<\/a><\/li><li><a href="\/fixture-admin\/reviews">Fixture reviews<\/a><\/li>/, "after the account link, in order");
  const guestMenu = accountMenu((await guest.get("/")).text);
  t.true(guestMenu.includes('href="/fixture-admin/mine"'));
  t.false(guestMenu.includes("/fixture-admin/reviews"), "guests lack fixture-admin.review");
  t.true(accountMenu((await admin.get("/")).text).includes('href="/fixture-admin/reviews"'), "admins hold every permission");
  const mine = await member.get("/fixture-admin/mine");
  t.is(mine.status, 200);
  t.regex(accountMenu(mine.text), /<a href="\/fixture-admin\/mine" aria-current="page">/);
  t.false((await app.client().get("/login")).text.includes("My fixture page"), "signed out: no account menu");
});

test.serial("switched off, the module's menu entries go and its admin pages answer 404", async (t) => {
  t.is((await admin.post("/admin/modules/fixture-admin/disable")).status, 302);
  try {
    t.is((await admin.get("/admin/fixture-admin")).status, 404);
    t.is((await admin.get("/admin/fixture-admin/reports")).status, 404);
    const users = await admin.get("/admin/users");
    t.false(adminSidebar(users.text).includes("/admin/fixture-admin"));
    t.false(accountMenu(users.text).includes("/fixture-admin/"));
    t.false(accountMenu((await member.get("/")).text).includes("/fixture-admin/"));
    t.is((await member.get("/admin/fixture-admin")).status, 403, "still refused before anything else: no hint whether it exists");
  } finally {
    await admin.post("/admin/modules/fixture-admin/enable", { state: "enabled" });
  }
});
