import test from "ava";
import type { Browser } from "playwright-core";
import type { TestApp } from "../helpers/app.ts";
import { phone, screenshot, scrollWidth, signInThroughForm, startAppAndBrowser, watchPage, whenBrowserAvailable, expectNoAxeViolations } from "../helpers/browser.ts";
import { usernameOf } from "../helpers/content.ts";

let app: TestApp;
let browser: Browser;

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  });

  test.serial("typing @ offers colleagues, picked with the keyboard or a tap; people pages fit a phone", async (t) => {
    await app.createUser({ displayName: "Nadia Mention", email: "nadia.mention@example.test" });
    await app.createUser({ displayName: "Nadine Other", email: "nadine.other@example.test" });
    const { account, userId } = await app.createUser({ displayName: "Walter Writer" });
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    const watcher = watchPage(page, app.url);
    await signInThroughForm(page, app.url, account);

    await page.locator("summary.composer-prompt").click();
    const body = page.locator("textarea[data-mentions]").first();
    await body.click();
    await body.pressSequentially("Thanks @nadi", { delay: 20 });
    const options = page.locator(".mention-suggestions:not([hidden]) li");
    await options.first().waitFor();
    t.deepEqual(await options.locator("strong").allTextContents(), ["Nadia Mention", "Nadine Other"]);
    await expectNoAxeViolations(t, page); // with the suggestions open
    await body.press("ArrowDown");
    await body.press("Enter");
    t.is(await body.inputValue(), "Thanks @nadine.other ");

    await body.pressSequentially("and @nadia", { delay: 20 });
    await options.first().waitFor();
    await options.first().tap();
    t.is(await body.inputValue(), "Thanks @nadine.other and @nadia.mention ");
    await body.press("Escape");

    await page.goto(`${app.url}/people`);
    t.true((await scrollWidth(page)) <= 360, `directory is ${await scrollWidth(page)} px wide`);
    await screenshot(page, "people-directory-360");
    await page.goto(`${app.url}/u/${await usernameOf(userId)}`);
    t.true((await scrollWidth(page)) <= 360, `profile is ${await scrollWidth(page)} px wide`);
    await screenshot(page, "profile-360");
    await page.goto(`${app.url}/account/profile`);
    t.true((await scrollWidth(page)) <= 360, `profile form is ${await scrollWidth(page)} px wide`);
    await expectNoAxeViolations(t, page);
    t.deepEqual(watcher.problems, []);
    await context.close();
  });
});
