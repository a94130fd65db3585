import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import type { Browser } from "playwright-core";
import type { TestApp } from "../helpers/app.ts";
import { auditEveryPage, desktop, expectNoAxeViolations, phone, screenshot, signInThroughForm, startAppAndBrowser, whenBrowserAvailable } from "../helpers/browser.ts";
import { contentIdOf, pdfDocument, postMultipart } from "./helpers.ts";

// In Chromium: the edit form's files are tidy rows (no bullets, no full-width checkboxes, the box beside its
// file), and a refused upload leaves no form token in the address bar and opens at the reason.

let app: TestApp;
let browser: Browser;

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  });

  test.serial("the edit form's attachment list: one row per file, its Remove box beside it, no bullets", async (t) => {
    const { client, account } = await app.signedIn("member");
    const contentId = contentIdOf((await postMultipart(client, "/posts", { target: "company:0", body: "Files to tidy" }, [{ name: "report.pdf", data: pdfDocument("r") }, { name: "minutes.pdf", data: pdfDocument("m") }])).location);
    for (const [name, options] of [["desktop", desktop], ["phone", phone]] as const) {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      await signInThroughForm(page, app.url, account);
      auditEveryPage(page);
      await page.goto(`${app.url}/c/${contentId}/edit`);
      const rows = page.locator(".edit-files-list li");
      t.is(await rows.count(), 2);
      t.is(await rows.first().evaluate((row) => getComputedStyle(row).listStyleType), "none", `${name}: no bullet`);
      for (const row of await rows.all()) {
        const box = (await row.locator('input[type="checkbox"]').boundingBox())!;
        const rowBox = (await row.boundingBox())!;
        t.true(box.width < 30, `${name}: the checkbox is a checkbox (${box.width} px wide), not a full-width input`);
        t.true(box.y >= rowBox.y && box.y + box.height <= rowBox.y + rowBox.height, `${name}: the box sits inside its file's row`);
        const label = (await row.locator("label").boundingBox())!;
        t.true(Math.abs(label.y + label.height / 2 - (box.y + box.height / 2)) < 12, `${name}: the label is beside its box`);
      }
      if (name === "desktop") {
        const row = rows.first();
        const link = (await row.locator("a.attachment-name").boundingBox())!;
        const box = (await row.locator('input[type="checkbox"]').boundingBox())!;
        t.true(Math.abs(link.y + link.height / 2 - (box.y + box.height / 2)) < 12, "desktop: name and box on one line");
      }
      await screenshot(page, `edit-files-${name}`);
      await expectNoAxeViolations(t, page);
      await context.close();
    }
  });

  test.serial("a refused upload from the composer: a clean address, the text kept, the reason where the page opens", async (t) => {
    const { account } = await app.signedIn("member");
    const disguised = path.join(mkdtempSync(path.join(os.tmpdir(), "agora-refused-")), "cat.png");
    writeFileSync(disguised, "<html><script>alert(1)</script></html>");
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await signInThroughForm(page, app.url, account);
    auditEveryPage(page);
    await page.locator("summary.composer-prompt").click();
    const composer = page.locator("form.composer");
    await composer.locator('textarea[name="body"]').fill("Words I will not retype");
    await composer.locator('input[type="file"]').setInputFiles(disguised);
    await Promise.all([page.waitForURL(`${app.url}/posts/new#refused`), composer.locator('button[type="submit"]').click()]);
    t.false(page.url().includes("_csrf"), page.url());
    t.is(await page.locator('form.composer textarea[name="body"]').inputValue(), "Words I will not retype");
    const box = page.locator("#refused");
    await box.waitFor();
    t.regex(await box.innerText(), /not an accepted type/);
    t.true(await box.evaluate((element) => element.getBoundingClientRect().top >= 0 && element.getBoundingClientRect().top < window.innerHeight / 2), "the reason shows near the top of the screen");
    await screenshot(page, "composer-refused-phone");
    await expectNoAxeViolations(t, page);
    await context.close();
  });
});
