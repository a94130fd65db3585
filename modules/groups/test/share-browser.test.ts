import test from "ava";
import type { Browser } from "playwright-core";
import type { TestApp } from "../../../test/helpers/app.ts";
import { publish } from "../../../test/helpers/content.ts";
import { auditEveryPage, expectNoAxeViolations, phone, screenshot, signInThroughForm, startAppAndBrowser, whenBrowserAvailable } from "../../../test/helpers/browser.ts";
import { createGroup } from "./helpers.ts";

// Sharing in Chromium on a phone: the form (group, note) comes before the read-only preview, the share shows
// the note, and its author edits the note; every page passes axe-core.

let app: TestApp;
let browser: Browser;

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  });

  test.serial("share a post with a note, then edit the note", async (t) => {
    const { client, account } = await app.signedIn("member");
    const group = await createGroup(client, { name: "Phone sharers", visibility: "open" });
    const postId = await publish(client, { target: "company:0", title: "Shared by phone", body: "Original words" });
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await signInThroughForm(page, app.url, account);
    auditEveryPage(page);

    await page.goto(`${app.url}/groups/share/${postId}`);
    t.is(await page.locator(".share-preview .comment-form, .share-preview .entry-actions").count(), 0, "the preview is read-only");
    const form = (await page.locator("form.share-form").boundingBox())!;
    const preview = (await page.locator(".share-preview").boundingBox())!;
    t.true(form.y < preview.y, "the form comes first");
    await screenshot(page, "share-page-phone");
    await page.locator('textarea[name="note"]').fill("Please **read** this");
    await Promise.all([page.waitForURL(`${app.url}${group.url}`), page.locator('form.share-form button[type="submit"]').click()]);
    const share = page.locator("article.entry", { hasText: "Please read this" }).first();
    t.is(await share.locator(".share-note strong").innerText(), "read");
    t.is(await share.locator(`a[href$="/edit"]`).count(), 0, "no Edit link that would lead to a 404");

    await share.getByRole("link", { name: "Edit note" }).click();
    await page.waitForURL(/\/groups\/share\/\d+\/note$/);
    await page.locator('textarea[name="note"]').fill("Changed note");
    await Promise.all([page.waitForURL(/\/c\/\d+$/), page.locator('form[action$="/note"] button[type="submit"]').click()]);
    t.true(await page.locator(".share-note", { hasText: "Changed note" }).isVisible());
    await expectNoAxeViolations(t, page);
    await context.close();
  });
});
