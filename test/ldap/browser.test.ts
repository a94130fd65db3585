import test from "ava";
import type { Browser } from "playwright-core";
import { startApp, type TestApp } from "../helpers/app.ts";
import { browserAvailability, desktop, launchBrowser, screenshot, watchPage, expectNoAxeViolations } from "../helpers/browser.ts";
import { createGroup, type CreatedGroup } from "../../modules/groups/test/helpers.ts";
import { directoryEnv, fixture, storeSettings, whenDirectoryAnswers } from "./helpers.ts";

// A person signs in through the real login form with their directory account, lands on the dashboard,
// and finds there and under "My groups" the Agora groups her directory groups are mapped to.

const availability = browserAvailability();
let app: TestApp;
let browser: Browser;
/** Mapped from directory groups alice is in (engineering directly, agora-admins through platform-team), and one she is not in. */
let groups: Record<"engineering" | "admins" | "sales", CreatedGroup>;

whenDirectoryAnswers(() => {
  if (!availability.isAvailable) {
    if (availability.isRequired) test("Chromium is installed (AGORA_REQUIRE_BROWSER=1)", (t) => t.fail(availability.reason));
    else test.skip(`browser test skipped: ${availability.reason}`, () => {});
    return;
  }
  test.before(async () => {
    app = await startApp(directoryEnv());
    await storeSettings(app, { groupBaseDn: fixture.groupsDn, adminGroupDn: `cn=agora-admins,${fixture.groupsDn}` });
    const owner = await app.signedIn("member");
    groups = {
      engineering: await createGroup(owner.client, { name: "Engineering Guild", visibility: "secret" }),
      admins: await createGroup(owner.client, { name: "Intranet Admins", visibility: "private" }),
      sales: await createGroup(owner.client, { name: "Sales Floor", visibility: "open" }),
    };
    const admin = await app.signedIn("admin");
    for (const [groupDn, group] of [
      [`cn=engineering,${fixture.groupsDn}`, groups.engineering],
      [`cn=agora-admins,${fixture.groupsDn}`, groups.admins],
      [`cn=disabled-accounts,${fixture.groupsDn}`, groups.sales],
    ] as const) {
      const mapped = await admin.client.post("/admin/groups/directory", { groupDn, group: group.slug, role: "member" });
      if (mapped.status !== 302) throw new Error(`mapping refused: ${mapped.status} ${mapped.text.slice(0, 300)}`);
    }
    browser = await launchBrowser();
  });
  test.after.always(async () => {
    await browser?.close();
    await app?.close();
  });

  test("alice signs in with her directory username and password, lands on the dashboard as an admin, and finds her mapped groups", async (t) => {
    const context = await browser.newContext(desktop);
    const page = await context.newPage();
    const watcher = watchPage(page, app.url);
    await page.goto(`${app.url}/login`);
    await page.fill('input[name="login"]', "alice");
    await page.fill('input[name="password"]', fixture.passwordOf("alice"));
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('form[action="/login"] button[type="submit"]')]);
    t.is(new URL(page.url()).pathname, "/");
    t.regex((await page.textContent("h1")) ?? "", /Alice Martin/);
    // The dashboard lists the groups her directory groups are mapped to, and only those.
    const onDashboard = await page.locator(".dashboard-panel a").allTextContents();
    t.deepEqual(onDashboard.map((name) => name.trim()).sort(), ["Engineering Guild", "Intranet Admins"]);
    await screenshot(page, "ldap-dashboard");
    // Her directory groups brought her into the mapped Agora groups: "My groups" lists them, and only them.
    await Promise.all([page.waitForURL(`${app.url}/groups`), page.click('a[href="/groups"]')]);
    await Promise.all([page.waitForURL(`${app.url}/groups?scope=mine`), page.click('a[href="/groups?scope=mine"]')]);
    const mine = await page.locator(".group-card h2").allTextContents();
    t.deepEqual(mine.map((name) => name.trim()).sort(), ["Engineering Guild", "Intranet Admins"]);
    await screenshot(page, "ldap-my-groups");
    // A secret group opens to its mapped member.
    const secret = await page.goto(`${app.url}${groups.engineering.url}`);
    t.is(secret?.status(), 200);
    t.regex((await page.textContent("h1")) ?? "", /Engineering Guild/);
    // The nested admin group made her an admin: the console opens.
    const admin = await page.goto(`${app.url}/admin/ldap`);
    t.is(admin?.status(), 200);
    await expectNoAxeViolations(t, page);
    t.deepEqual(watcher.problems, []);
    // Leaving the page ends its live-updates stream before the app shuts down.
    await page.goto("about:blank");
    await context.close();
  });
});
