import test from "ava";
import type { Browser, Page } from "playwright-core";
import { startApp, type TestApp } from "../helpers/app.ts";
import { browserAvailability, launchBrowser, phone, watchPage } from "../helpers/browser.ts";
import { usernameOf } from "../helpers/content.ts";

// The top search box offers people (and groups) as one types, from /search/suggest; without JavaScript it is a GET form to /search.
const availability = browserAvailability();
let app: TestApp;
let browser: Browser;

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${app.url}/login`);
  await page.fill('input[name="login"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL(`${app.url}/`), page.click('form[action="/login"] button[type="submit"]')]);
}

if (!availability.isAvailable) {
  if (availability.isRequired) test("Chromium is installed (AGORA_REQUIRE_BROWSER=1)", (t) => t.fail(availability.reason));
  else test.skip(`browser tests skipped: ${availability.reason}`, () => {});
} else {
  test.before(async () => {
    app = await startApp();
    browser = await launchBrowser();
  });
  test.after.always(async () => {
    await browser?.close();
    await app?.close();
  });

  test.serial("the top search box offers colleagues as one types; a pick opens the profile, Enter alone searches", async (t) => {
    const found = await app.createUser({ displayName: "Quentin Searchlight" });
    const { account } = await app.createUser({ displayName: "Rita Reader" });
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    const watcher = watchPage(page, app.url);
    await signIn(page, account.email, account.password);

    const box = page.locator("#top-search");
    await box.click();
    await box.pressSequentially("Quentin", { delay: 20 });
    const options = page.locator("#top-search-suggestions:not([hidden]) [role=option]");
    await options.first().waitFor();
    t.is(await options.first().locator("strong").textContent(), "Quentin Searchlight");
    t.is(await box.getAttribute("aria-expanded"), "true");
    await box.press("ArrowDown");
    await Promise.all([page.waitForURL(`${app.url}/u/${await usernameOf(found.userId)}`), box.press("Enter")]);

    await page.locator("#top-search").fill("Searchlight");
    await options.first().waitFor();
    await Promise.all([page.waitForURL(/\/search\?q=Searchlight/), page.locator("#top-search").press("Enter")]);
    t.true((await page.content()).includes("Quentin Searchlight"), "the results page lists the person");
    t.deepEqual(watcher.problems, []);
    await context.close();
  });
}
