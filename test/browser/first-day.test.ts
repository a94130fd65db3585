import test from "ava";
import type { Browser, BrowserContextOptions } from "playwright-core";
import type { TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { desktop, expectNoAxeViolations, phone, screenshot, scrollWidth, signInThroughForm, startAppAndBrowser, watchPage, whenBrowserAvailable } from "../helpers/browser.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import { createGroup } from "../../modules/groups/test/helpers.ts";
import { User } from "../../core/models/user.ts";
import { UserProfile } from "../../core/models/profile.ts";
import { UserFollow } from "../../core/models/mention.ts";

// A newcomer's first screen in Chromium: the welcome text and checklist, then joining a suggested group and
// following a suggested colleague from it — at phone and desktop sizes, in English and French, and without
// JavaScript (every button is a plain form); axe on every page.

let app: TestApp;
let browser: Browser;
let owner: Client;

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  });

  let scene: Promise<void> | undefined;
  const ready = () => (scene ??= setScene());
  async function setScene() {
    const admin = (await app.signedIn("admin")).client;
    await admin.get("/admin/settings");
    const saved = await admin.post("/admin/settings", {
      siteName: "Agora",
      registrationMode: "closed",
      defaultLanguage: "en",
      linkPreviews: "1",
      welcomeText_en: "Welcome to **Northwind**! Start with the groups of your site and say hello to your team.",
      welcomeText_fr: "Bienvenue chez **Northwind** ! Commencez par les groupes de votre site et saluez votre équipe.",
    });
    if (saved.status !== 302) throw new Error(`settings refused: ${saved.status}`);
    owner = (await app.signedIn("member", { displayName: "Olga Owner" })).client;
  }

  /** A newcomer in their own department, with a manager and a busy open group to be offered. */
  async function newcomerFor(tag: string, language: "en" | "fr") {
    const group = await createGroup(owner, { name: `Plant ${tag} news`, visibility: "open", description: "What happens on the plant floor." });
    await publish(owner, { target: `group:${group.id}`, body: `Shift change at plant ${tag}` });
    const { userId: managerId } = await app.createUser({ displayName: `Maria Manager ${tag}` });
    await UserProfile.upsert({ userId: managerId, department: `Plant ${tag}`, managerId: null, jobTitle: "Plant manager", location: null, phone: null, bio: null });
    const newcomer = await app.createUser({ displayName: `Nina Newcomer ${tag}` });
    await UserProfile.upsert({ userId: newcomer.userId, department: `Plant ${tag}`, managerId, jobTitle: null, location: null, phone: null, bio: null });
    await User.update({ language }, { where: { id: newcomer.userId } });
    return { group, manager: { userId: managerId, username: await usernameOf(managerId) }, newcomer };
  }

  const cases: [string, BrowserContextOptions, "en" | "fr", boolean][] = [
    ["desktop", desktop, "en", true],
    ["desktop", desktop, "fr", true],
    ["phone", phone, "en", true],
    ["phone", phone, "fr", true],
    ["phone", phone, "en", false],
  ];
  for (const [size, options, lang, hasScript] of cases) {
    const tag = `${size}-${lang}${hasScript ? "" : "-nojs"}`;
    test.serial(`${size}, ${lang}${hasScript ? "" : ", without JavaScript"}: a newcomer joins a suggested group and follows a colleague from the first screen`, async (t) => {
      await ready();
      const { group, manager, newcomer } = await newcomerFor(tag, lang);
      const context = await browser.newContext({ ...options, javaScriptEnabled: hasScript });
      const page = await context.newPage();
      const watcher = watchPage(page, app.url);
      await signInThroughForm(page, app.url, newcomer.account);

      const block = page.locator("section[data-first-day]");
      const box = await block.boundingBox();
      t.truthy(box && box.y < (options.viewport?.height ?? 800) - 100, `the block starts in the first screen (at ${box?.y} px)`);
      t.true((await block.locator(".first-day-welcome strong").innerText()) === "Northwind");
      t.is(await block.locator(".first-day-steps li").count(), 4);
      t.true((await scrollWidth(page)) <= (options.viewport?.width ?? 1280), `the dashboard is ${await scrollWidth(page)} px wide`);
      if (hasScript) await screenshot(page, `first-day-${size}-${lang}`);
      await expectNoAxeViolations(t, page);

      const offered = block.locator("[data-suggested-group]", { hasText: `Plant ${tag} news` });
      await Promise.all([page.waitForURL(`${app.url}/`), offered.getByRole("button").click()]);
      t.is(await page.locator("[data-suggested-group]", { hasText: `Plant ${tag} news` }).count(), 0, "the joined group is no longer offered");
      t.is(await block.locator('[data-step="group"].is-done').count(), 1, "the checklist ticks the group");
      t.true(await page.locator(".flash-success").first().isVisible(), "the flash says so");
      await expectNoAxeViolations(t, page);

      const colleague = block.locator("[data-suggested-person]", { hasText: `Maria Manager ${tag}` });
      await Promise.all([page.waitForURL(`${app.url}/`), colleague.getByRole("button").click()]);
      t.is(await page.locator("[data-suggested-person]", { hasText: `Maria Manager ${tag}` }).count(), 0, "the followed colleague is no longer offered");
      t.truthy(await UserFollow.findOne({ where: { followerId: newcomer.userId, followedId: manager.userId } }));
      await expectNoAxeViolations(t, page);
      t.deepEqual(watcher.problems, []);
      await context.close();
    });
  }
});
