import test from "ava";
import type { Browser } from "playwright-core";
import type { TestApp } from "../../../test/helpers/app.ts";
import { desktop, expectNoAxeViolations, hasHorizontalScroll, phone, screenshot, signInThroughForm, startAppAndBrowser, watchPage, whenBrowserAvailable } from "../../../test/helpers/browser.ts";

// In Chromium: a poll made from the dashboard's composer (Poll tab, with JavaScript), then answered on a
// phone-sized page without JavaScript, the chart and its table shown; axe on every page.
let app: TestApp;
let browser: Browser;

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  });

  test.serial("create a poll from the composer, answer it at 360 px without JavaScript, see the chart", async (t) => {
    const admin = (await app.signedIn("admin")).client;
    for (const id of ["groups", "polls"]) t.is((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status, 302);
    const author = await app.signedIn("member", { displayName: "Paula Pollster" });
    const voter = await app.signedIn("member", { displayName: "Vera Voter" });

    const writing = await browser.newContext(desktop);
    const page = await writing.newPage();
    const watcher = watchPage(page, app.url);
    await signInThroughForm(page, app.url, author.account);
    await page.locator("summary.composer-prompt").click();
    const composer = page.locator("form.composer");
    await composer.locator('.composer-kinds a[data-kind="poll"]').click();
    t.is(await composer.locator('label[for="f-body"]').textContent(), "Your question");
    await expectNoAxeViolations(t, page);
    await composer.locator('select[name="target"]').selectOption({ label: "Company stream" });
    await composer.locator('textarea[name="body"]').fill("Which day for the team breakfast?");
    await composer.locator('textarea[name="options"]').fill("Tuesday\nThursday\nFriday");
    await Promise.all([page.waitForURL(`${app.url}/`), composer.locator('button[type="submit"]').click()]);
    await page.locator(".poll-title", { hasText: "Which day for the team breakfast?" }).waitFor();
    t.deepEqual(watcher.problems, []);
    await writing.close();

    const voting = await browser.newContext({ ...phone, javaScriptEnabled: false });
    const phonePage = await voting.newPage();
    const phoneWatcher = watchPage(phonePage, app.url);
    await signInThroughForm(phonePage, app.url, voter.account);
    const poll = phonePage.locator(".poll", { hasText: "Which day for the team breakfast?" });
    await poll.getByRole("radio", { name: "Thursday" }).check();
    await Promise.all([phonePage.waitForURL(`${app.url}/`), poll.locator('form.poll-ballot button[type="submit"]').click()]);
    t.true(await phonePage.getByText("Your answer is recorded.").isVisible());
    const chart = poll.locator("svg.poll-chart");
    t.true(await chart.isVisible(), "the chart is drawn without any script");
    t.regex((await chart.locator("title").textContent()) ?? "", /Thursday: 1 \(100 %\)/);
    t.deepEqual(await poll.locator(".poll-table tbody tr").allInnerTexts(), ["Tuesday\t0\t0", "Thursday\t1\t100", "Friday\t0\t0"]);
    t.false(await hasHorizontalScroll(phonePage), "no sideways scrolling at 360 px");
    await expectNoAxeViolations(t, phonePage);
    await screenshot(phonePage, "polls-phone-answered");
    t.deepEqual(phoneWatcher.problems, []);
    await voting.close();
  });
});
