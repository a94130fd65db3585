import test from "ava";
import type { Browser } from "playwright-core";
import { startApp, type TestApp } from "../helpers/app.ts";
import { browserAvailability, desktop, launchBrowser, screenshot, watchPage } from "../helpers/browser.ts";
import { directoryEnv, fixture, storeSettings, whenDirectoryAnswers } from "./helpers.ts";

// A person signs in through the real login form with their directory account and lands on the dashboard.

const availability = browserAvailability();
let app: TestApp;
let browser: Browser;

whenDirectoryAnswers(() => {
  if (!availability.isAvailable) {
    if (availability.isRequired) test("Chromium is installed (AGORA_REQUIRE_BROWSER=1)", (t) => t.fail(availability.reason));
    else test.skip(`browser test skipped: ${availability.reason}`, () => {});
    return;
  }
  test.before(async () => {
    app = await startApp(directoryEnv());
    await storeSettings(app, { groupBaseDn: fixture.groupsDn, adminGroupDn: `cn=agora-admins,${fixture.groupsDn}` });
    browser = await launchBrowser();
  });
  test.after.always(async () => {
    await browser?.close();
    await app?.close();
  });

  test("alice signs in with her directory username and password and lands on the dashboard as an admin", async (t) => {
    const context = await browser.newContext(desktop);
    const page = await context.newPage();
    const watcher = watchPage(page, app.url);
    await page.goto(`${app.url}/login`);
    await page.fill('input[name="login"]', "alice");
    await page.fill('input[name="password"]', fixture.passwordOf("alice"));
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('form[action="/login"] button[type="submit"]')]);
    t.is(new URL(page.url()).pathname, "/");
    t.regex((await page.textContent("h1")) ?? "", /Alice Martin/);
    await screenshot(page, "ldap-dashboard");
    // The nested admin group made her an admin: the console opens.
    const admin = await page.goto(`${app.url}/admin/ldap`);
    t.is(admin?.status(), 200);
    t.deepEqual(watcher.problems, []);
    await context.close();
  });
});
