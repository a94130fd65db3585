import test from "ava";
import type { Browser } from "playwright-core";
import type { TestApp } from "../helpers/app.ts";
import { desktop, expectNoAxeViolations, signInThroughForm, startAppAndBrowser, watchPage, whenBrowserAvailable } from "../helpers/browser.ts";
import { createGroup } from "../../modules/groups/test/helpers.ts";

// With JavaScript, the composer's tabs switch the form in place (themes/default/static/js/stream.js); the
// fixture-composer module's "Checklist" kind is on for the site, and in no group.
let app: TestApp;
let browser: Browser;

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  });

  test.serial("the Checklist tab opens in place: its field, the places it may go, then it is published to the profile", async (t) => {
    const admin = (await app.signedIn("admin")).client;
    for (const id of ["groups", "fixture-composer"]) t.is((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status, 302);
    const writer = await app.signedIn("member", { displayName: "Tabitha Tabs" });
    await createGroup(writer.client, { name: "Quiet group", visibility: "open" });

    const page = await (await browser.newContext(desktop)).newPage();
    const watcher = watchPage(page, app.url);
    await signInThroughForm(page, app.url, writer.account);
    await page.locator("summary.composer-prompt").click();
    const composer = page.locator("form.composer");
    t.false(await composer.locator('textarea[name="items"]').isVisible(), "the post is open first");

    await page.evaluate(() => Object.assign(window, { isSamePage: true }));
    await composer.locator('.composer-kinds a[data-kind="fixture-checklist"]').click();
    t.true(await page.evaluate(() => "isSamePage" in window), "no page load");
    t.is(new URL(page.url()).search, "?kind=fixture-checklist", "the address says which tab is open");
    t.true(await composer.locator('textarea[name="items"]').isVisible());
    t.false(await composer.locator('input[name="title"]').isEnabled(), "the post's own field is not sent");
    t.is(await composer.locator('label[for="f-body"]').textContent(), "What is it for?");
    t.true(await composer.locator('select[name="target"] option', { hasText: "Quiet group" }).isDisabled(), "a group where the module is off cannot be chosen");
    await expectNoAxeViolations(t, page);

    await composer.locator('select[name="target"]').selectOption({ label: "My profile" });
    await composer.locator('textarea[name="body"]').fill("Friday release");
    await composer.locator('textarea[name="items"]').fill("Tag\nDeploy");
    await Promise.all([page.waitForURL(`${app.url}/`), composer.locator('button[type="submit"]').click()]);
    await page.locator(".fixture-checklist", { hasText: "Friday release" }).waitFor();
    t.deepEqual(await page.locator(".fixture-checklist li").allTextContents(), ["Tag", "Deploy"]);
    t.deepEqual(watcher.problems, []);
  });
});
