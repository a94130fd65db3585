import test from "ava";
import type { Browser, Page } from "playwright-core";
import type { TestApp } from "../helpers/app.ts";
import { desktop, phone, screenshot, scrollWidth, signInThroughForm, startAppAndBrowser, watchPage, whenBrowserAvailable, expectNoAxeViolations } from "../helpers/browser.ts";

const admin = { siteName: "Browser Test Co", displayName: "Brenda Browser", email: "brenda@example.test", password: "a-long-browser-password" };

let app: TestApp;
let browser: Browser;

async function signOutThroughUserMenu(page: Page) {
  await page.click("details.user-menu > summary");
  const signOut = page.locator('details.user-menu form[action="/logout"] button[type="submit"]');
  await signOut.waitFor({ state: "visible" });
  await Promise.all([page.waitForURL(/\/login$/), signOut.click()]);
}

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  }, {}, { setup: false });

  test.serial("at 360 px the first-run setup page fits the screen", async (t) => {
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    const watcher = watchPage(page, app.url);
    await page.goto(`${app.url}/`);
    t.is(new URL(page.url()).pathname, "/setup");
    await screenshot(page, "setup-360");
    t.true((await scrollWidth(page)) <= 360, `setup page is ${await scrollWidth(page)} px wide`);
    await expectNoAxeViolations(t, page);
    t.deepEqual(watcher.problems, []);
    await context.close();
  });

  test.serial("first-run setup, sign out through the user menu, sign in again (desktop)", async (t) => {
    const context = await browser.newContext(desktop);
    const page = await context.newPage();
    const watcher = watchPage(page, app.url);

    await page.goto(`${app.url}/`);
    t.is(new URL(page.url()).pathname, "/setup", "a fresh install sends the visitor to setup");
    await screenshot(page, "setup-desktop");
    await page.fill('input[name="siteName"]', admin.siteName);
    await page.selectOption('select[name="language"]', "en");
    await page.fill('input[name="displayName"]', admin.displayName);
    await page.fill('input[name="email"]', admin.email);
    await page.fill('input[name="password"]', admin.password);
    await page.fill('input[name="passwordConfirm"]', admin.password);
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('form[action="/setup"] button[type="submit"]')]);

    t.is(new URL(page.url()).pathname, "/");
    t.regex((await page.textContent("h1")) ?? "", new RegExp(admin.displayName));
    t.regex((await page.textContent(".brand-name")) ?? "", new RegExp(admin.siteName));
    await screenshot(page, "dashboard-desktop");

    await signOutThroughUserMenu(page);
    t.is(new URL(page.url()).pathname, "/login");
    t.true(await page.locator('input[name="password"][type="password"]').isVisible(), "a real password field");
    await screenshot(page, "login-desktop");
    const revisit = await page.goto(`${app.url}/`);
    t.is(new URL(page.url()).pathname, "/login", "signed out: the dashboard sends to the login page");
    t.truthy(revisit);

    await signInThroughForm(page, app.url, admin);
    t.regex((await page.textContent("h1")) ?? "", new RegExp(admin.displayName));
    await expectNoAxeViolations(t, page);
    t.deepEqual(watcher.problems, [], "no script error, CSP violation or failed request");
    await context.close();
  });

  test.serial("at 360 px: no horizontal scroll, and the menus still work", async (t) => {
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    const watcher = watchPage(page, app.url);

    await page.goto(`${app.url}/login`);
    t.true((await scrollWidth(page)) <= 360, `login page is ${await scrollWidth(page)} px wide`);
    await screenshot(page, "login-360");

    await signInThroughForm(page, app.url, admin);
    t.true((await scrollWidth(page)) <= 360, `dashboard is ${await scrollWidth(page)} px wide`);
    await screenshot(page, "dashboard-360");

    // On a phone the navigation starts folded (agora.js) and opens from its summary.
    const navigation = page.locator("details.sidebar nav");
    t.false(await navigation.isVisible(), "the navigation starts folded on a phone");
    await page.click("details.sidebar > summary");
    t.true(await navigation.isVisible(), "and unfolds when tapped");

    await page.goto(`${app.url}/admin`);
    await screenshot(page, "admin-360");
    for (const path of ["/admin", "/admin/users", "/admin/invitations", "/admin/modules", "/admin/settings", "/account"]) {
      await page.goto(`${app.url}${path}`);
      t.true((await scrollWidth(page)) <= 360, `${path} is ${await scrollWidth(page)} px wide`);
    }

    await page.goto(`${app.url}/`);
    await signOutThroughUserMenu(page);
    t.true((await scrollWidth(page)) <= 360);
    await expectNoAxeViolations(t, page);
    t.deepEqual(watcher.problems, []);
    await context.close();
  });

  test.serial("with JavaScript off: sign in, sign out through the user menu", async (t) => {
    const context = await browser.newContext({ ...desktop, javaScriptEnabled: false });
    const page = await context.newPage();
    const watcher = watchPage(page, app.url);

    await signInThroughForm(page, app.url, admin);
    t.is(new URL(page.url()).pathname, "/");
    t.regex((await page.textContent("h1")) ?? "", new RegExp(admin.displayName));
    await screenshot(page, "dashboard-nojs");

    await signOutThroughUserMenu(page);
    t.is(new URL(page.url()).pathname, "/login");
    await page.goto(`${app.url}/`);
    t.is(new URL(page.url()).pathname, "/login");

    const narrow = await browser.newContext({ ...phone, javaScriptEnabled: false });
    const small = await narrow.newPage();
    await signInThroughForm(small, app.url, admin);
    await screenshot(small, "dashboard-360-nojs");
    t.true(await small.locator("details.sidebar nav").isVisible(), "without JavaScript the navigation stays unfolded");
    await expectNoAxeViolations(t, small);
    await narrow.close();

    await expectNoAxeViolations(t, page);
    t.deepEqual(watcher.problems, []);
    await context.close();
  });
});
