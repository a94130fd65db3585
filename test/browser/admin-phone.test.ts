import test from "ava";
import type { Browser } from "playwright-core";
import { adminAccount, type TestApp } from "../helpers/app.ts";
import { expectNoAxeViolations, phone, screenshot, scrollWidth, signInThroughForm, startAppAndBrowser, watchPage, whenBrowserAvailable } from "../helpers/browser.ts";

// The admin's lists of people and invitations are wide tables: on a phone they scroll inside their own box, never the page.
let app: TestApp;
let browser: Browser;

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  });

  test.serial("at 360 px /admin/users and /admin/invitations do not scroll sideways", async (t) => {
    for (const name of ["Maximiliana Longname-Featherstonehaugh", "Bo"]) {
      await app.createUser({ displayName: name, email: `${name.toLowerCase().replace(/[^a-z]/g, "")}.with.a.long.address@subsidiary.example.test` });
    }
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    const watcher = watchPage(page, app.url);
    await signInThroughForm(page, app.url, adminAccount);

    await page.goto(`${app.url}/admin/invitations`);
    await page.fill("#f-emails", "first.colleague.with.a.long.name@subsidiary.example.test\nsecond@example.test");
    // The page is already at this address, so waiting for the URL returns at once: wait for the answer's page to load.
    await Promise.all([page.waitForEvent("load"), page.click('form[action="/admin/invitations"] button[type="submit"]')]);
    await page.goto(`${app.url}/admin/invitations`);
    t.true((await page.content()).includes("first.colleague.with.a.long.name@subsidiary.example.test"), "the invitation is listed");

    for (const path of ["/admin/users", "/admin/invitations"]) {
      await page.goto(`${app.url}${path}`);
      await screenshot(page, `admin${path.replaceAll("/", "-")}-360`);
      const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      t.true(fits, `${path} is ${await scrollWidth(page)} px wide at 360 px`);
    }
    await expectNoAxeViolations(t, page);
    t.deepEqual(watcher.problems, []);
    await context.close();
  });
});
