import test from "ava";
import type { Browser } from "playwright-core";
import type { TestApp } from "../helpers/app.ts";
import { phone, signInThroughForm, startAppAndBrowser, watchPage, whenBrowserAvailable, expectNoAxeViolations } from "../helpers/browser.ts";
import { publish, usernameOf } from "../helpers/content.ts";

// The top search box offers people (and groups) as one types, from /search/suggest; without JavaScript it is a GET form to /search.
let app: TestApp;
let browser: Browser;

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  });

  test.serial("the top search box offers colleagues as one types; a pick opens the profile, Enter alone searches", async (t) => {
    const found = await app.createUser({ displayName: "Quentin Searchlight" });
    const { account } = await app.createUser({ displayName: "Rita Reader" });
    // A post too, so the results page has its list of contents beside the people.
    const author = await app.signedIn("member");
    await publish(author.client, { target: "company:0", body: "**Searchlight** tests in hall B" });
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    const watcher = watchPage(page, app.url);
    await signInThroughForm(page, app.url, account);

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
    const lists = await page.evaluate(() => [...document.querySelectorAll("ul.search-results, ul.people-list")].map((list) => ({ name: list.className, bullet: getComputedStyle(list).listStyleType })));
    t.true(lists.some((list) => list.name.includes("search-results")), "the post is listed among the results");
    t.true(lists.every((list) => list.bullet === "none"), `no list bullets beside results: ${JSON.stringify(lists)}`);
    await expectNoAxeViolations(t, page);
    t.deepEqual(watcher.problems, []);
    await context.close();
  });
});
