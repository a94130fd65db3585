import test from "ava";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
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

  test.serial("on a phone: a post with an image and a mention, a comment, a reaction; the dashboard fits the screen", async (t) => {
    const colleague = await app.createUser({ displayName: "Colin Colleague", email: "colin.colleague@example.test" });
    const colleagueName = await usernameOf(colleague.userId);
    const { account } = await app.createUser({ displayName: "Wendy Writer" });
    const picture = path.join(mkdtempSync(path.join(os.tmpdir(), "agora-browser-")), "site-visit.png");
    await sharp({ create: { width: 640, height: 400, channels: 3, background: { r: 40, g: 120, b: 200 } } }).png().toFile(picture);

    const context = await browser.newContext(phone);
    const page = await context.newPage();
    const watcher = watchPage(page, app.url);
    await signInThroughForm(page, app.url, account);

    // The light composer: one line that opens in place.
    await page.locator("summary.composer-prompt").click();
    const composer = page.locator("form.composer");
    await composer.locator('textarea[name="body"]').fill(`Site visit done, thanks @${colleagueName}! #fieldwork`);
    await composer.locator('input[type="file"]').setInputFiles(picture);
    await Promise.all([page.waitForURL(`${app.url}/`), composer.locator('button[type="submit"]').click()]);

    const entry = page.locator("article.entry", { hasText: "Site visit done" }).first();
    await entry.waitFor();
    t.is(await entry.locator(`a.mention[href="/u/${colleagueName}"]`).count(), 1, "the mention links the colleague");
    t.is(await entry.locator('a.topic[href="/topics/fieldwork"]').count(), 1);
    const thumbnail = entry.locator("img").first();
    await thumbnail.waitFor();
    t.true(await thumbnail.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0), "the thumbnail loads");

    await entry.locator('textarea[name="body"]').first().fill("Great photo!");
    await Promise.all([page.waitForLoadState("load"), entry.locator("form.comment-form button[type=submit]").first().click()]);
    const commented = page.locator("article.entry", { hasText: "Site visit done" }).first();
    await commented.getByText("Great photo!").waitFor();

    // "React" opens the page's one set of reaction buttons in place; a choice becomes the viewer's chip.
    await commented.locator("a.reaction-add").first().click();
    await commented.locator('.reaction-options button[value="celebrate"]').first().click();
    await page.locator("article.entry", { hasText: "Site visit done" }).first().locator('.reaction-chip.is-mine[value="celebrate"]').first().waitFor();
    t.is(await commented.locator(".reaction-options").count(), 0, "the choice closes once made");

    // In the stream, "Reply" opens a copy of the entry's comment form under the thread, with @mention completion.
    await page.goto(`${app.url}/`);
    const streamed = page.locator("article.entry", { hasText: "Site visit done" }).first();
    await streamed.locator("a[data-reply]").first().click();
    const reply = streamed.locator(".comment-reply form.comment-form").first();
    await reply.locator("textarea").pressSequentially(`Agreed @${colleagueName.slice(0, 4)}`);
    await page.locator(".mention-suggestions li", { hasText: "Colin Colleague" }).first().click();
    t.is(await reply.locator("textarea").inputValue(), `Agreed @${colleagueName} `, "the suggestion picked completes the mention");
    await Promise.all([page.waitForLoadState("load"), reply.locator("button[type=submit]").click()]);
    const replied = page.locator("article.entry", { hasText: "Site visit done" }).first();
    await replied.locator(".comment-replies", { hasText: "Agreed" }).waitFor();
    t.is(await replied.locator(`.comment-replies a.mention[href="/u/${colleagueName}"]`).count(), 1, "the reply is in the thread, the mention linked");

    await page.goto(`${app.url}/`);
    t.true((await scrollWidth(page)) <= 360, `the dashboard is ${await scrollWidth(page)} px wide`);
    await screenshot(page, "dashboard-phone");
    await expectNoAxeViolations(t, page);
    t.deepEqual(watcher.problems, []);
    await context.close();
  });
});
