import { readFileSync } from "node:fs";
import path from "node:path";
import test, { type ExecutionContext } from "ava";
import sharp from "sharp";
import type { Browser, BrowserContextOptions, Locator, Page } from "playwright-core";
import type { TestApp } from "../helpers/app.ts";
import { artifactsDir, desktop, expectNoAxeViolations, phone, screenshot, scrollWidth, signInThroughForm, startAppAndBrowser, watchPage, whenBrowserAvailable } from "../helpers/browser.ts";
import { postMultipart, type TestFile } from "../attachments/helpers.ts";

let app: TestApp;
let browser: Browser;
let account: { email: string; password: string };

/** Photos of distinct colours and shapes, big enough that the viewer shows them larger than their tiles. */
function photo(name: string, hue: number, width: number, height: number): Promise<TestFile> {
  const [r, g, b] = [hue, (hue * 3) % 256, 255 - hue];
  return sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer()
    .then((data) => ({ name, data }));
}

const sizes: [string, BrowserContextOptions][] = [
  ["desktop", desktop],
  ["360", phone],
];
const languages = [
  { lang: "en", locale: "en-GB", position: (current: number, total: number) => `Image ${current} of ${total}`, next: "Next image", previous: "Previous image", close: "Close" },
  { lang: "fr", locale: "fr-FR", position: (current: number, total: number) => `Image ${current} sur ${total}`, next: "Image suivante", previous: "Image précédente", close: "Fermer" },
];

/** What the viewer shows now: the image's address and name, the counter, the position read out. */
function viewerState(page: Page) {
  return page.locator("dialog.gallery-viewer").evaluate((dialog: HTMLDialogElement) => {
    const image = dialog.querySelector<HTMLImageElement>("[data-viewer-image]")!;
    return {
      open: dialog.open,
      src: new URL(image.src).pathname,
      alt: image.alt,
      counter: dialog.querySelector("[data-viewer-counter]")!.textContent,
      position: dialog.querySelector("[data-viewer-position]")!.textContent,
    };
  });
}

const tileHrefs = (entry: Locator) => entry.locator("a.gallery-tile").evaluateAll((links) => links.map((link) => link.getAttribute("href") ?? ""));
const isFocused = (locator: Locator) => locator.evaluate((element) => document.activeElement === element);

/** A horizontal swipe on the viewer's image, as a finger makes it (pointer events of type touch). */
async function swipe(page: Page, direction: "left" | "right") {
  await page.locator("[data-viewer-stage]").evaluate((stage, direction) => {
    const box = stage.getBoundingClientRect();
    const y = box.top + box.height / 2;
    const [from, to] = direction === "left" ? [box.left + box.width * 0.8, box.left + box.width * 0.2] : [box.left + box.width * 0.2, box.left + box.width * 0.8];
    const init = { pointerId: 7, pointerType: "touch", isPrimary: true, bubbles: true, clientY: y };
    stage.dispatchEvent(new PointerEvent("pointerdown", { ...init, clientX: from }));
    stage.dispatchEvent(new PointerEvent("pointermove", { ...init, clientX: (from + to) / 2 }));
    stage.dispatchEvent(new PointerEvent("pointerup", { ...init, clientX: to }));
  }, direction);
}

async function signedInPage(options: BrowserContextOptions) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const watcher = watchPage(page, app.url);
  await signInThroughForm(page, app.url, account);
  return { context, page, watcher };
}

async function expectViewerAt(t: ExecutionContext, page: Page, hrefs: string[], index: number, language: (typeof languages)[number]) {
  await page.waitForFunction((src) => new URL(document.querySelector<HTMLImageElement>("dialog.gallery-viewer [data-viewer-image]")!.src).pathname === src, hrefs[index]);
  const state = await viewerState(page);
  t.true(state.open, "the viewer is open");
  t.is(state.src, hrefs[index]);
  t.is(state.alt, `site-${index + 1}.png`, "the image's text is its file name");
  t.is(state.counter, `${index + 1} / ${hrefs.length}`);
  t.is(state.position, language.position(index + 1, hrefs.length));
}

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  });

  test.serial.before(async () => {
    const writer = await app.signedIn("member", { displayName: "Gina Gallery" });
    account = writer.account;
    const video = readFileSync(path.resolve(import.meta.dirname, "../fixtures/media/clip.webm"));
    for (const [body, files] of [
      ["Our new workshop on video", [{ name: "tour.webm", data: video }]],
      ["Five photos from the fair", await Promise.all([1, 2, 3, 4, 5].map((i) => photo(`site-${i}.png`, i * 40, 900, 600)))],
      ["Three photos from the site", [await photo("site-1.png", 30, 1200, 800), await photo("site-2.png", 120, 600, 900), await photo("site-3.png", 210, 1000, 1000)]],
    ] as const) {
      const response = await postMultipart(writer.client, "/posts", { target: "company:0", body }, [...files]);
      if (response.status !== 302) throw new Error(`post refused: ${response.status}`);
    }
  });

  for (const [sizeName, size] of sizes) {
    for (const language of languages) {
      test.serial(`${sizeName}, ${language.lang}: a tile opens the viewer; arrows, buttons and swipes move; Escape closes it and focus goes back to the tile`, async (t) => {
        const { context, page, watcher } = await signedInPage({ ...size, locale: language.locale });
        t.is(await page.getAttribute("html", "lang"), language.lang);
        const entry = page.locator("article.entry", { hasText: "Three photos from the site" }).first();
        const tiles = entry.locator("a.gallery-tile");
        t.is(await tiles.count(), 3);
        const hrefs = await tileHrefs(entry);
        await entry.locator("a.gallery-tile img").last().evaluate((image: HTMLImageElement) => image.decode());
        t.true((await scrollWidth(page)) <= (size.viewport?.width ?? 0), `the dashboard is ${await scrollWidth(page)} px wide`);
        if (language.lang === "en") await screenshot(page, `gallery-dashboard-${sizeName}`);

        await tiles.first().click();
        await expectViewerAt(t, page, hrefs, 0, language);
        t.true(await page.locator("[data-viewer-close]").evaluate((button) => document.activeElement === button), "focus moves into the viewer");
        t.true(await page.locator("[data-viewer-image]").evaluate((image: HTMLImageElement) => image.decode().then(() => image.naturalWidth > 0)), "the full image loads");
        await page.keyboard.press("ArrowRight");
        await expectViewerAt(t, page, hrefs, 1, language);
        // The viewer covers the window: a picture of the window, not of the whole page.
        if (language.lang === "en") await page.screenshot({ path: path.join(artifactsDir, `gallery-viewer-${sizeName}.png`) });
        await page.getByRole("button", { name: language.next }).click();
        await expectViewerAt(t, page, hrefs, 2, language);
        await page.keyboard.press("ArrowRight");
        await expectViewerAt(t, page, hrefs, 0, language);
        await page.keyboard.press("ArrowLeft");
        await expectViewerAt(t, page, hrefs, 2, language);
        await page.getByRole("button", { name: language.previous }).click();
        await expectViewerAt(t, page, hrefs, 1, language);
        await swipe(page, "left");
        await expectViewerAt(t, page, hrefs, 2, language);
        await swipe(page, "right");
        await expectViewerAt(t, page, hrefs, 1, language);
        t.is(await page.locator("[data-viewer-original]").getAttribute("href"), hrefs[1], "the original is one link away");

        // A modal dialog: Tab stays inside it; the page behind is inert.
        for (let i = 0; i < 6; i += 1) {
          await page.keyboard.press("Tab");
          t.true(await page.locator("dialog.gallery-viewer").evaluate((dialog) => dialog.contains(document.activeElement)), `Tab ${i + 1} stays in the viewer`);
        }
        await expectNoAxeViolations(t, page);

        await page.keyboard.press("Escape");
        await page.waitForFunction(() => !document.querySelector<HTMLDialogElement>("dialog.gallery-viewer")!.open);
        t.true(await isFocused(tiles.first()), "focus is back on the tile that opened it");

        // The close button closes it too, back to the tile it was opened from.
        await tiles.nth(2).click();
        await expectViewerAt(t, page, hrefs, 2, language);
        await page.getByRole("button", { name: language.close }).click();
        await page.waitForFunction(() => !document.querySelector<HTMLDialogElement>("dialog.gallery-viewer")!.open);
        t.true(await isFocused(tiles.nth(2)));

        await expectNoAxeViolations(t, page);
        t.deepEqual(watcher.problems, []);
        await context.close();
      });
    }
  }

  test.serial("five images: four tiles, the fourth says +1, the fifth is reached in the viewer; a video plays in the page", async (t) => {
    const { context, page, watcher } = await signedInPage(desktop);
    const entry = page.locator("article.entry", { hasText: "Five photos from the fair" }).first();
    const tiles = entry.locator("a.gallery-tile");
    t.is(await tiles.count(), 5);
    t.deepEqual(await tiles.evaluateAll((links) => links.map((link) => (link as HTMLElement).offsetParent !== null)), [true, true, true, true, false], "four tiles show");
    const more = entry.locator(".gallery-more");
    t.true(await more.isVisible());
    t.is(await more.locator('[aria-hidden="true"]').innerText(), "+1");
    const hrefs = await tileHrefs(entry);
    await tiles.nth(3).click();
    await expectViewerAt(t, page, hrefs, 3, languages[0]);
    await page.keyboard.press("ArrowRight");
    await expectViewerAt(t, page, hrefs, 4, languages[0]);
    await page.keyboard.press("Home");
    await expectViewerAt(t, page, hrefs, 0, languages[0]);
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => !document.querySelector<HTMLDialogElement>("dialog.gallery-viewer")!.open);
    t.true(await isFocused(tiles.nth(3)));

    // The video's metadata comes through a byte-range request, so the browser can seek in it.
    const video = page.locator("article.entry", { hasText: "Our new workshop on video" }).first().locator("video");
    t.is(await video.getAttribute("preload"), "metadata");
    const loaded = await video.evaluate((element: HTMLVideoElement) =>
      element.readyState >= 1 ? true : new Promise<boolean>((resolve) => {
        element.addEventListener("loadedmetadata", () => resolve(true), { once: true });
        element.addEventListener("error", () => resolve(false), { once: true });
      }),
    );
    t.true(loaded, "the video's metadata loads");
    t.deepEqual(await video.evaluate((element: HTMLVideoElement) => [element.videoWidth, element.videoHeight]), [64, 36]);
    await expectNoAxeViolations(t, page);
    t.deepEqual(watcher.problems, []);
    await context.close();
  });

  for (const [sizeName, size] of sizes) {
    test.serial(`${sizeName}, without JavaScript: every tile shows and is a plain link to its image`, async (t) => {
      const { context, page, watcher } = await signedInPage({ ...size, javaScriptEnabled: false });
      const entry = page.locator("article.entry", { hasText: "Five photos from the fair" }).first();
      const tiles = entry.locator("a.gallery-tile");
      t.deepEqual(await tiles.evaluateAll((links) => links.map((link) => (link as HTMLElement).offsetParent !== null)), [true, true, true, true, true], "all five show");
      t.false(await entry.locator(".gallery-more").isVisible(), "no +1: nothing is hidden");
      const href = (await tiles.first().getAttribute("href")) ?? "";
      const [response] = await Promise.all([page.waitForResponse((answer) => new URL(answer.url()).pathname === href), tiles.first().click()]);
      t.is(response.status(), 200);
      t.is(response.headers()["content-type"], "image/png");
      t.is(new URL(page.url()).pathname, href, "the browser shows the image itself");
      t.true(await page.locator("img").evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth === 900));
      await page.goto(`${app.url}/`);
      // The file is sandboxed (an opaque origin), so Chromium cannot key it like the site's pages, and says so.
      watcher.problems.splice(0, watcher.problems.length, ...watcher.problems.filter((problem) => !problem.includes("origin-keyed agent cluster")));
      await expectNoAxeViolations(t, page);
      t.deepEqual(watcher.problems, []);
      await context.close();
    });
  }
});
