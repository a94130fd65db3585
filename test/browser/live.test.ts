// live.js in a real browser: two people signed in, one posts mentioning the other, whose open dashboard
// updates its bell and shows "1 new post" without being reloaded.
import test from "ava";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startApp, type TestApp } from "../helpers/app.ts";
import { desktop, launchBrowser, screenshot, signInThroughForm, watchPage, whenBrowserAvailable, expectNoAxeViolations } from "../helpers/browser.ts";
import { usernameOf } from "../helpers/content.ts";

let app: TestApp;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function signedInPage(email: string, password: string): Promise<Page> {
  const context = await browser.newContext(desktop);
  contexts.push(context);
  const page = await context.newPage();
  await signInThroughForm(page, app.url, { email, password });
  return page;
}

/** Resolves once the page has an open live stream (its first event, the unread count, has arrived). */
function streamOpened(page: Page) {
  return page.waitForResponse((response) => response.url().startsWith(`${app.url}/live/events`) && response.status() === 200);
}

whenBrowserAvailable(() => {
  test.before(async () => {
    app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
    browser = await launchBrowser();
  });
  test.after.always(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await app?.close();
  });

  test.serial("a mention posted in one browser updates the other's bell and 'new posts' banner without a reload", async (t) => {
    const reader = await app.createUser({ displayName: "Rita Reader" });
    const writer = await app.createUser({ displayName: "Walt Writer" });
    const readerName = await usernameOf(reader.userId);

    const readerPage = await signedInPage(reader.account.email, reader.account.password);
    const watcher = watchPage(readerPage, app.url);
    // Reload once with the response listener in place, so the test knows the stream is open before posting.
    const opened = streamOpened(readerPage);
    await readerPage.reload();
    t.true((await opened).url().endsWith("/live/events?stream=dashboard"), "the dashboard asks for new posts too");
    const badge = readerPage.locator("[data-unread-count]");
    t.true(await badge.isHidden(), "nothing unread yet");
    t.is(await readerPage.locator("[data-live-posts]").count(), 0);
    // Anything that survives on window proves the page was not reloaded.
    await readerPage.evaluate(() => ((window as unknown as { beforePost: boolean }).beforePost = true));

    const writerPage = await signedInPage(writer.account.email, writer.account.password);
    await writerPage.locator("summary.composer-prompt").click();
    const composer = writerPage.locator("form.composer");
    await composer.locator('textarea[name="body"]').fill(`Lunch at noon, @${readerName}?`);
    await Promise.all([writerPage.waitForURL(`${app.url}/`), composer.locator('button[type="submit"]').click()]);
    await writerPage.locator("article.entry", { hasText: "Lunch at noon" }).first().waitFor();

    await badge.waitFor({ state: "visible", timeout: 10_000 });
    t.is((await badge.textContent())?.trim(), "1", "the bell counts the mention");
    const banner = readerPage.locator("[data-live-posts]");
    await banner.waitFor({ timeout: 10_000 });
    t.is((await banner.textContent())?.trim(), "1 new post: show it");
    t.is(await banner.getAttribute("role"), "status", "screen readers hear of it");
    t.true(await readerPage.evaluate(() => (window as unknown as { beforePost?: boolean }).beforePost === true), "the page was not reloaded");
    t.is(await readerPage.locator("article.entry", { hasText: "Lunch at noon" }).count(), 0, "the post itself waits for the reader");
    await screenshot(readerPage, "live-dashboard");

    await Promise.all([readerPage.waitForURL(`${app.url}/`), banner.locator("a").click()]);
    await readerPage.locator("article.entry", { hasText: "Lunch at noon" }).first().waitFor();
    t.is((await readerPage.locator("[data-unread-count]").textContent())?.trim(), "1", "still unread after the reload");
    await expectNoAxeViolations(t, readerPage);
    t.deepEqual(watcher.problems, []);
  });
});
