import test from "ava";
import type { Browser } from "playwright-core";
import type { TestApp } from "../../../test/helpers/app.ts";
import { usernameOf } from "../../../test/helpers/content.ts";
import { waitUntil } from "../../../test/notifications/helpers.ts";
import { expectNoAxeViolations, hasHorizontalScroll, phone, screenshot, signInThroughForm, startAppAndBrowser, watchPage, whenBrowserAvailable } from "../../../test/helpers/browser.ts";

// Kudos in Chromium on a 360 px phone: given from a colleague's profile, seen on the appreciation wall (which
// announces the next one live) and on the office display (live too); every page passes axe-core; screenshots kept.

let app: TestApp;
let browser: Browser;

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  });

  test.serial("give kudos from a profile on a phone, see it on the wall and the display", async (t) => {
    const { client: admin } = await app.signedIn("admin");
    for (const id of ["groups", "recognition"]) await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" });
    await admin.post("/admin/recognition/badges", { nameEn: "Team player", nameFr: "Esprit d'équipe", companyValue: "Together", icon: "hands", points: "5" });
    const display = await admin.post("/admin/recognition/display-links", { name: "Lobby" });
    const displayPath = /<code class="recognition-new-link">([^<]+)<\/code>/.exec(display.text)![1];
    const { account } = await app.signedIn("member", { displayName: "Gina Giver" });
    const ana = await app.signedIn("member", { displayName: "Ana Able" });
    const anaName = await usernameOf(ana.userId);

    const context = await browser.newContext(phone);
    const page = await context.newPage();
    const watched = watchPage(page, app.url);
    await signInThroughForm(page, app.url, account);

    await page.goto(`${app.url}/u/${anaName}/recognition`);
    t.false(await hasHorizontalScroll(page), "the profile tab fits 360 px");
    await page.getByLabel("Badge").selectOption({ label: "Team player" });
    await page.getByLabel("Your message of thanks").fill("Thanks for **covering** my shift!");
    await screenshot(page, "recognition-profile-give-phone");
    await Promise.all([page.waitForURL(/\/c\/\d+$/), page.getByRole("button", { name: "Send the kudos" }).click()]);
    const kudos = page.locator("article.entry .kudos").first();
    t.is(await kudos.locator(".kudos-badge strong").innerText(), "Team player");
    t.is(await kudos.locator(".kudos-message strong").innerText(), "covering");

    await page.goto(`${app.url}/recognition`);
    t.true(await page.locator(".kudos", { hasText: "covering" }).isVisible(), "on the wall");
    t.false(await hasHorizontalScroll(page), "the wall fits 360 px");
    t.true(await page.locator("[data-recognition-new]").isHidden());
    await page.waitForTimeout(500); // the live stream connects
    const { client: other } = await app.signedIn("member", { displayName: "Omar Other" });
    const sent = await other.post("/compose/kudos", { target: "company:0", returnTo: "/", recipients: anaName, badge: "1", body: "Seconded!" });
    t.is(sent.status, 303);
    await page.locator("[data-recognition-new]").waitFor({ state: "visible" });
    await screenshot(page, "recognition-wall-phone");
    await expectNoAxeViolations(t, page);

    const screen = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const screenWatch = watchPage(screen, app.url);
    await screen.goto(`${app.url}${displayPath}`);
    t.true(await screen.locator(".kudos", { hasText: "covering" }).isVisible(), "on the office display");
    t.true(await screen.locator(".kudos", { hasText: "Gina Giver thanks Ana Able" }).isVisible());
    t.is(await screen.locator(".topbar").count(), 0, "no sign-in chrome");
    // Live: a kudos posted now appears on the screen without a reload (its feed, authorised by the link).
    await screen.waitForTimeout(500); // the feed connects
    t.is((await other.post("/compose/kudos", { target: "company:0", returnTo: "/", recipients: anaName, badge: "1", body: "Live on the **lobby** screen" })).status, 303);
    await screen.locator(".kudos", { hasText: "Live on the lobby screen" }).waitFor({ state: "visible", timeout: 5000 });
    await screenshot(screen, "recognition-display");
    await expectNoAxeViolations(t, screen);
    t.deepEqual(screenWatch.problems, []);
    // Revoked: the feed ends, the browser's reconnection is refused, and the screen empties itself.
    const linkId = /action="\/admin\/recognition\/display-links\/(\d+)\/revoke"/.exec((await admin.get("/admin/recognition/display-links")).text)![1];
    t.is((await admin.post(`/admin/recognition/display-links/${linkId}/revoke`)).status, 302);
    await screen.locator(".kudos").first().waitFor({ state: "detached", timeout: 12000 });
    // The page's console and network reports reach this process a little after the page acted on them.
    await waitUntil(() => screenWatch.problems.some((problem) => problem.includes("?partial=1")), "the list's 404 to be reported", 5000);
    // Expected: the revoked link's 404s, and its live feed's request aborted when the page closes it (timing decides whether that is reported).
    const expected = (problem: string) => problem.includes(displayPath) && (problem.includes("404") || (problem.startsWith("request failed:") && problem.includes("/events") && problem.includes("ERR_ABORTED")));
    t.true(screenWatch.problems.length > 0 && screenWatch.problems.every(expected), `only the revoked link's expected 404s: ${JSON.stringify(screenWatch.problems)}`);
    t.deepEqual(watched.problems, []);
    await context.close();
  });
});
