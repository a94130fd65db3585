import test from "ava";
import type { Browser } from "playwright-core";
import type { TestApp } from "../helpers/app.ts";
import { desktop, signInThroughForm, startAppAndBrowser, watchPage, whenBrowserAvailable } from "../helpers/browser.ts";
import { createGroup } from "../../modules/groups/test/helpers.ts";

// Modules' stylesheets and scripts reach the page from the bundles: groups' sheet styles a group page, and
// fixture-files' script runs, without an error, after the theme's.
let app: TestApp;
let browser: Browser;

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  });

  test.serial("a group page is styled by the groups module's sheet, and a module's script runs", async (t) => {
    const { account } = await app.createUser({ displayName: "Stella Style" });
    const signedIn = await app.signedIn("member");
    const group = await createGroup(signedIn.client, { name: "Styled crew", visibility: "open" });
    const context = await browser.newContext(desktop);
    const page = await context.newPage();
    const watch = watchPage(page, app.url);
    await signInThroughForm(page, app.url, account);
    await page.goto(`${app.url}${group.url}`);
    const tabs = await page.$eval(".group-tabs", (element) => ({ display: getComputedStyle(element).display, overflowX: getComputedStyle(element).overflowX }));
    t.deepEqual(tabs, { display: "flex", overflowX: "auto" }, "groups.css from modules/groups/static applies");
    t.is(await page.evaluate(() => document.documentElement.dataset.fixtureFiles), "loaded");
    t.deepEqual(watch.problems, []);
    await context.close();
  });
});
