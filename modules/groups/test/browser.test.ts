import test from "ava";
import type { Browser } from "playwright-core";
import type { TestApp } from "../../../test/helpers/app.ts";
import { desktop, phone, screenshot, scrollWidth, signInThroughForm, startAppAndBrowser, watchPage, whenBrowserAvailable, expectNoAxeViolations } from "../../../test/helpers/browser.ts";
import { usernameOf } from "../../../test/helpers/content.ts";

// A private group from the browser: create it, invite a colleague, who accepts and posts; screenshots of the group page.
let app: TestApp;
let browser: Browser;

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  });

  test.serial("create a private group, invite a colleague, who accepts and posts", async (t) => {
    const owner = await app.createUser({ displayName: "Paula Project" });
    const colleague = await app.createUser({ displayName: "Colin Colleague" });

    const ownerContext = await browser.newContext(desktop);
    const ownerPage = await ownerContext.newPage();
    const ownerWatch = watchPage(ownerPage, app.url);
    await signInThroughForm(ownerPage, app.url, owner.account);
    await ownerPage.click('nav a[href="/groups"]');
    await ownerPage.click('a[href="/groups/new"]');
    await ownerPage.fill('input[name="name"]', "Plant 7 retrofit");
    await ownerPage.fill('textarea[name="description"]', "Everything about the **retrofit** of plant 7.");
    await ownerPage.check('input[name="visibility"][value="private"]');
    await Promise.all([ownerPage.waitForURL(`${app.url}/g/plant-7-retrofit`), ownerPage.click('form[action="/groups/new"] button[type="submit"]')]);
    t.regex((await ownerPage.textContent("h1")) ?? "", /Plant 7 retrofit/);

    await ownerPage.click('.group-tabs a[href="/g/plant-7-retrofit/members"]');
    await ownerPage.fill('textarea[name="people"]', await usernameOf(colleague.userId));
    await Promise.all([ownerPage.waitForURL(/\/members$/), ownerPage.click('form[action="/g/plant-7-retrofit/invitations"] button[type="submit"]')]);
    t.regex((await ownerPage.textContent("main")) ?? "", /1 person invited/);
    t.regex((await ownerPage.textContent("main")) ?? "", /Colin Colleague/);
    await screenshot(ownerPage, "group-members-desktop");

    const colleagueContext = await browser.newContext(desktop);
    const page = await colleagueContext.newPage();
    const colleagueWatch = watchPage(page, app.url);
    await signInThroughForm(page, app.url, colleague.account);
    await page.goto(`${app.url}/groups`);
    await screenshot(page, "group-directory-desktop");
    await page.click('.group-invitations a[href="/g/plant-7-retrofit"]');
    await Promise.all([page.waitForURL(`${app.url}/g/plant-7-retrofit`), page.click('form[action="/g/plant-7-retrofit/invitation/accept"] button')]);
    t.regex((await page.textContent(".group-badges")) ?? "", /Member/);

    await page.click("summary.composer-prompt");
    await page.fill('form.composer textarea[name="body"]', "Kick-off on **Monday** at 9:00 in building B. #retrofit");
    await Promise.all([page.waitForURL(`${app.url}/g/plant-7-retrofit`), page.click("form.composer button[type=submit]")]);
    t.regex((await page.textContent(".stream")) ?? "", /Kick-off on Monday/);
    await screenshot(page, "group-private-desktop");

    await ownerPage.goto(`${app.url}/g/plant-7-retrofit`);
    t.regex((await ownerPage.textContent(".stream")) ?? "", /Kick-off on Monday/, "the owner reads it too");

    const phoneContext = await browser.newContext(phone);
    const small = await phoneContext.newPage();
    const phoneWatch = watchPage(small, app.url);
    await signInThroughForm(small, app.url, colleague.account);
    await small.goto(`${app.url}/g/plant-7-retrofit`);
    await screenshot(small, "group-private-360");
    t.true((await scrollWidth(small)) <= 360, `group page is ${await scrollWidth(small)} px wide`);
    for (const path of ["/groups", "/g/plant-7-retrofit/members", "/g/plant-7-retrofit/about"]) {
      await small.goto(`${app.url}${path}`);
      t.true((await scrollWidth(small)) <= 360, `${path} is ${await scrollWidth(small)} px wide`);
    }

    const outsider = await app.createUser({ displayName: "Otto Outsider" });
    const outsiderContext = await browser.newContext(desktop);
    const outsiderPage = await outsiderContext.newPage();
    await signInThroughForm(outsiderPage, app.url, outsider.account);
    await outsiderPage.goto(`${app.url}/g/plant-7-retrofit`);
    t.false(((await outsiderPage.textContent("main")) ?? "").includes("Kick-off"), "outsiders see the landing page only");
    await screenshot(outsiderPage, "group-private-outsider");

    for (const visited of [ownerPage, page, small, outsiderPage]) await expectNoAxeViolations(t, visited);
    t.deepEqual([...ownerWatch.problems, ...colleagueWatch.problems, ...phoneWatch.problems], []);
    for (const context of [ownerContext, colleagueContext, phoneContext, outsiderContext]) await context.close();
  });
});
