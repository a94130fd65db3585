import test from "ava";
import type { Browser } from "playwright-core";
import type { TestApp } from "../../../test/helpers/app.ts";
import { expectNoAxeViolations, phone, screenshot, signInThroughForm, startAppAndBrowser, watchPage, whenBrowserAvailable } from "../../../test/helpers/browser.ts";
import { createGroup } from "../../groups/test/helpers.ts";

// Documents in Chromium on a 360 px phone: upload two files into a folder (with the script: progress, then
// the folder), preview one, upload a new version and restore the older one; then the same upload without
// JavaScript. Every page passes axe-core.

let app: TestApp;
let browser: Browser;

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  });

  test.serial("upload two files into a folder, preview one, restore an older version, at 360 px; and without JavaScript", async (t) => {
    const admin = (await app.signedIn("admin")).client;
    for (const id of ["groups", "documents"]) t.is((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status, 302);
    const { client, account } = await app.signedIn("member", { displayName: "Paula Phone" });
    const group = await createGroup(client, { name: "Field team", visibility: "private" });
    t.is((await client.post(`${group.url}/modules/documents`, { state: "enabled" })).status, 302);
    t.is((await client.post(`${group.url}/documents/folders`, { parent: "", name: "Procedures" })).status, 302);
    const { Folder } = await import("../models.ts");
    const folder = (await Folder.findOne({ where: { name: "Procedures" } }))!;
    const folderUrl = `${app.url}${group.url}/documents/f/${folder.id}`;

    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await signInThroughForm(page, app.url, account);
    const { problems } = watchPage(page, app.url);

    await page.goto(folderUrl);
    await page.setInputFiles("#f-documents-files", [
      { name: "checklist.txt", mimeType: "text/plain", buffer: Buffer.from("Step one: gloves.") },
      { name: "notes.md", mimeType: "text/markdown", buffer: Buffer.from("# Site notes\n\nBring **boots**.") },
    ]);
    await page.fill("#f-documents-note", "Two procedures for the site");
    // The same address before and after: wait for what the new page says.
    await page.click('form[data-documents-upload] button[type="submit"]');
    await page.locator(".flash", { hasText: "2 files uploaded." }).waitFor();
    t.is(page.url(), folderUrl, "the flash waited for the folder page");
    t.true(await page.getByRole("link", { name: "checklist.txt", exact: true }).isVisible());
    t.true(await page.getByRole("link", { name: "notes.md", exact: true }).isVisible());
    await screenshot(page, "documents-folder-phone");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    t.true(width <= 360, `no sideways scrolling (${width} px)`);

    await page.getByRole("link", { name: "notes.md", exact: true }).click();
    await page.waitForURL(/\/documents\/d\/\d+$/);
    t.is(await page.locator(".documents-markdown h1").innerText(), "Site notes", "the Markdown preview");
    await page.setInputFiles("#f-documents-version-file", [{ name: "notes.md", mimeType: "text/markdown", buffer: Buffer.from("# Site notes v2\n\nBoots optional.") }]);
    await page.fill("#f-documents-version-note", "Relaxed the boots rule");
    const documentUrl = page.url();
    await page.click('form[data-documents-upload] button[type="submit"]');
    await page.locator(".flash", { hasText: "New version uploaded." }).waitFor();
    t.is(await page.locator(".documents-markdown h1").innerText(), "Site notes v2");
    t.true(await page.getByText("Relaxed the boots rule").isVisible());
    await page.getByRole("button", { name: "Restore Version 1" }).click();
    await page.locator(".flash", { hasText: "Version restored" }).waitFor();
    t.is(page.url(), documentUrl);
    t.is(await page.locator(".documents-markdown h1").innerText(), "Site notes", "version 1 is current again");
    t.true(await page.getByText("restored from version 1").isVisible());
    await screenshot(page, "documents-versions-phone");
    await expectNoAxeViolations(t, page);
    t.deepEqual(problems, []);
    await context.close();

    // Without JavaScript the same form posts and the server redirects back to the folder.
    const plain = await browser.newContext({ ...phone, javaScriptEnabled: false });
    const noScript = await plain.newPage();
    await signInThroughForm(noScript, app.url, account);
    await noScript.goto(folderUrl);
    await noScript.setInputFiles("#f-documents-files", [{ name: "offline.txt", mimeType: "text/plain", buffer: Buffer.from("No script needed.") }]);
    await noScript.click('form[data-documents-upload] button[type="submit"]');
    await noScript.locator(".flash", { hasText: "1 file uploaded." }).waitFor();
    t.is(noScript.url(), folderUrl);
    t.true(await noScript.getByRole("link", { name: "offline.txt", exact: true }).isVisible());
    await expectNoAxeViolations(t, noScript);
    await plain.close();
  });
});
