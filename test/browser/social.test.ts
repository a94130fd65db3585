import http from "node:http";
import type { AddressInfo } from "node:net";
import test from "ava";
import sharp from "sharp";
import type { Browser, BrowserContextOptions } from "playwright-core";
import type { TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { desktop, expectNoAxeViolations, phone, screenshot, scrollWidth, signInThroughForm, startAppAndBrowser, watchPage, whenBrowserAvailable } from "../helpers/browser.ts";
import { publish } from "../helpers/content.ts";
import { jobsDone } from "../helpers/jobs.ts";
import { User } from "../../core/models/user.ts";

// The stream as people meet it, in Chromium: faces, a link's preview card (from a page on this machine,
// only once the admin lists its host), relative times and long posts folded — at phone and desktop
// sizes, in English and French, with and without JavaScript; axe on every page.

let app: TestApp;
let browser: Browser;
let site: http.Server;
let siteUrl: string;
let writer: { account: { email: string; password: string }; userId: number; client: Client };
let longPost: number;

whenBrowserAvailable(() => {
  startAppAndBrowser(
    (started, chromium) => {
      app = started;
      browser = chromium;
    },
    { AGORA_JOBS_POLL_MS: "50" },
  );

  // After the app has started (ava runs a file's before hooks at once): the first test sets the scene.
  let scene: Promise<void> | undefined;
  const ready = () => (scene ??= setScene());
  async function setScene() {
    const picture = await sharp({ create: { width: 1200, height: 630, channels: 3, background: { r: 230, g: 120, b: 30 } } }).png().toBuffer();
    site = http.createServer((request, response) => {
      if (request.url === "/cover.png") {
        response.writeHead(200, { "content-type": "image/png" });
        return response.end(picture);
      }
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(`<html><head><meta property="og:title" content="Safety week programme"><meta property="og:description" content="Talks, drills and a quiz for every site."><meta property="og:site_name" content="Intranet"><meta property="og:image" content="/cover.png"></head><body></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

    const admin = (await app.signedIn("admin")).client;
    const save = (hosts: string) => admin.post("/admin/settings", { siteName: "Agora", registrationMode: "closed", defaultLanguage: "en", linkPreviews: "1", linkPreviewHosts: hosts });
    const signed = await app.signedIn("member", { displayName: "Paula Preview" });
    writer = { ...signed, account: signed.account };
    // A photo for the writer, through the profile form.
    await writer.client.get("/account/profile");
    const form = new FormData();
    const photo = await sharp({ create: { width: 200, height: 200, channels: 3, background: { r: 30, g: 90, b: 160 } } }).png().toBuffer();
    form.append("photo", new Blob([new Uint8Array(photo)], { type: "image/png" }), "me.png");
    await writer.client.request("POST", `/account/profile/photo?_csrf=${encodeURIComponent(writer.client.csrfToken)}`, { body: form });

    // A settled reader: the first-day block (a newcomer's) is dismissed.
    if ((await writer.client.post("/first-day/dismiss")).status !== 302) throw new Error("first day not dismissed");
    // Not listed yet: the loopback page gets no card. Then the admin lists the host.
    if ((await save("")).status !== 302) throw new Error("settings refused");
    await publish(writer.client, { target: "company:0", body: `Before the admin allowed it:\n${siteUrl}/unlisted` });
    await jobsDone("link-preview.fetch");
    if ((await save("127.0.0.1")).status !== 302) throw new Error("settings refused");
    await publish(writer.client, { target: "company:0", body: `Safety week starts Monday:\n\n${siteUrl}/safety-week` });
    longPost = await publish(writer.client, { target: "company:0", body: Array.from({ length: 18 }, (_, index) => `Step ${index + 1} of the evacuation drill.`).join("\n\n") });
    await jobsDone("link-preview.fetch");
  }
  test.after.always(() => {
    site?.closeAllConnections();
    site?.close();
  });

  const sizes: [string, BrowserContextOptions][] = [["desktop", desktop], ["phone", phone]];
  for (const [size, options] of sizes) {
    for (const lang of ["en", "fr"] as const) {
      test.serial(`${size}, ${lang}: faces, a preview card, relative times, a folded post`, async (t) => {
        await ready();
        await User.update({ language: lang }, { where: { id: writer.userId } });
        const context = await browser.newContext(options);
        const page = await context.newPage();
        const watcher = watchPage(page, app.url);
        await signInThroughForm(page, app.url, writer.account);

        // The light composer is one line: the stream starts in the first screen.
        const firstEntry = await page.locator("article.entry").first().boundingBox();
        t.true(firstEntry !== null && firstEntry.y < (options.viewport?.height ?? 800), `the first entry starts at ${firstEntry?.y} px`);
        t.false(await page.locator('form.composer textarea[name="body"]').isVisible(), "the composer is folded");
        await page.locator("summary.composer-prompt").click();
        t.true(await page.locator('form.composer textarea[name="body"]').isVisible(), "and opens in place");
        t.regex(await page.locator("summary.composer-prompt").innerText(), lang === "en" ? /What's new, Paula\?/ : /Quoi de neuf, Paula[\s\u00a0]?\?/);
        await page.locator("summary.composer-prompt").click();

        const topBarFace = page.locator(".user-menu summary img.avatar-photo");
        t.true(await topBarFace.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0), "the top bar shows the photo");

        const withCard = page.locator("article.entry", { hasText: "Safety week starts Monday" }).first();
        const card = withCard.locator("aside.link-card");
        t.is(await card.locator(".link-card-title").innerText(), "Safety week programme");
        t.true(await card.locator("img.link-card-image").evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0), "the card's picture loads from Agora");
        t.true(await withCard.locator(".entry-head img.avatar-photo").evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0), "the entry shows the author's photo");
        t.is(await page.locator("article.entry", { hasText: "Before the admin allowed it" }).locator("aside.link-card").count(), 0, "no card for an unlisted loopback page");

        const time = withCard.locator(".entry-time time");
        const shown = await time.innerText();
        t.not(shown, await time.getAttribute("title"), "a relative time, the exact date on hover");
        t.regex(shown, lang === "en" ? /now|sec|min/ : /maintenant|sec|min/);

        const folded = page.locator(`#body-${longPost}`);
        t.true(await folded.evaluate((element) => element.classList.contains("folded")));
        await page.locator(`a[data-unfold="body-${longPost}"]`).click();
        t.false(await folded.evaluate((element) => element.classList.contains("folded")), "Read more unfolds in place");
        t.is(new URL(page.url()).pathname, "/", "and stays on the dashboard");

        t.true((await scrollWidth(page)) <= (options.viewport?.width ?? 1280), `the dashboard is ${await scrollWidth(page)} px wide`);
        await screenshot(page, `dashboard-social-${size}-${lang}`);
        await expectNoAxeViolations(t, page);
        t.deepEqual(watcher.problems, []);
        await context.close();
      });
    }
  }

  test.serial("without JavaScript: the exact date, and Read more opens the whole post", async (t) => {
    await ready();
    await User.update({ language: "en" }, { where: { id: writer.userId } });
    const context = await browser.newContext({ ...phone, javaScriptEnabled: false });
    const page = await context.newPage();
    const watcher = watchPage(page, app.url);
    await signInThroughForm(page, app.url, writer.account);
    const time = page.locator("article.entry .entry-time time").first();
    t.is(await time.innerText(), (await time.getAttribute("title")) ?? "");
    t.is(await page.locator("aside.link-card").count(), 1, "the card needs no script");
    await Promise.all([page.waitForURL(`${app.url}/c/${longPost}`), page.locator(`a[data-unfold="body-${longPost}"]`).click()]);
    t.true(await page.getByText("Step 18 of the evacuation drill.").isVisible());
    t.false(await page.locator(`#body-${longPost}`).evaluate((element) => element.classList.contains("folded")));
    await expectNoAxeViolations(t, page);
    t.deepEqual(watcher.problems, []);
    await context.close();
  });
});
