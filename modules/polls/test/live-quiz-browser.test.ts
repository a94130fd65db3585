import test from "ava";
import type { Browser, Page } from "playwright-core";
import type { TestApp } from "../../../test/helpers/app.ts";
import { desktop, expectNoAxeViolations, hasHorizontalScroll, phone, screenshot, signInThroughForm, startAppAndBrowser, watchPage, whenBrowserAvailable } from "../../../test/helpers/browser.ts";
import { addMember, createGroup } from "../../groups/test/helpers.ts";

// In Chromium: a quiz run live. The presenter's page (desktop) and the projector view it opens, two participants on
// phone-sized pages (360 px) in their own contexts. Participants' pages follow the presenter by themselves, the
// projector counts the answers and, after the reveal, shows the distribution and the scores; the final ranking
// reaches the stream; axe-core on every page and state seen.
let app: TestApp;
let browser: Browser;

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  });

  test.serial("a live quiz with a presenter, a projector and two participants on phones", async (t) => {
    t.timeout(120_000);
    const admin = (await app.signedIn("admin")).client;
    for (const id of ["groups", "polls"]) t.is((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status, 302);
    const owner = await app.signedIn("member", { displayName: "Gina Groupowner" });
    const author = await app.signedIn("member", { displayName: "Quentin Quizmaster" });
    const anna = await app.signedIn("member", { displayName: "Anna Answer" });
    const bruno = await app.signedIn("member", { displayName: "Bruno Bright" });
    const room = await createGroup(owner.client, { name: "Quiz night", visibility: "private" });
    for (const person of [author, anna, bruno]) await addMember(room.id, person.userId);
    t.is((await owner.client.post(`${room.url}/modules/polls`, { state: "enabled" })).status, 302);
    const questions = "? Capital of France? [points 2]\n- Lyon\n+ Paris\n> Paris has been the capital since 508.\n? Which are even? [multiple]\n+ 2\n+ 4\n- 3";
    t.is((await author.client.post("/compose/quiz", { target: `group:${room.id}`, returnTo: room.url, body: "Friday quiz", questions, leaderboard: "on" })).status, 303);
    const contentId = Number(/href="\/polls\/(\d+)\/live\/present"/.exec((await author.client.get(room.url)).text)?.[1]);
    t.true(contentId > 0);
    const base = `${app.url}/polls/${contentId}/live`;
    // Pages also refresh themselves every 15 s: waiting 5 s at most proves the live event did it.
    const live = { timeout: 5000 };
    // A page's live feed is open once its answer's headers came (the server subscribes it first).
    const feedOpen = (page: Page) => page.waitForResponse((response) => response.url().includes("/live/events?") && response.url().includes("watch="));

    const presenting = await browser.newContext(desktop);
    const presenter = await presenting.newPage();
    const presenterWatch = watchPage(presenter, app.url);
    await signInThroughForm(presenter, app.url, author.account);
    await presenter.goto(`${base}/present`);
    await expectNoAxeViolations(t, presenter);

    // The participants come first: their pages wait for the presenter and follow by themselves.
    const phones: { page: Page; watch: { problems: string[] }; close: () => Promise<void> }[] = [];
    for (const person of [anna, bruno]) {
      const context = await browser.newContext(phone);
      const page = await context.newPage();
      const watch = watchPage(page, app.url);
      await signInThroughForm(page, app.url, person.account);
      const feed = feedOpen(page);
      await page.goto(base);
      await feed;
      await page.getByText("has not started this quiz live yet").waitFor();
      phones.push({ page, watch, close: () => context.close() });
    }
    const [annaPage, brunoPage] = phones.map((entry) => entry.page);
    await expectNoAxeViolations(t, annaPage);

    await Promise.all([presenter.waitForURL(`${base}/present`), presenter.getByRole("button", { name: "Start the live quiz" }).click()]);
    const [screen] = await Promise.all([presenting.waitForEvent("page"), presenter.getByRole("link", { name: "Open the projector view" }).click()]);
    const screenWatch = watchPage(screen, app.url);
    await feedOpen(screen);
    await screen.getByText(`/polls/${contentId}/live`).waitFor();
    await expectNoAxeViolations(t, screen);
    for (const page of [annaPage, brunoPage]) await page.getByText("You are in.").waitFor(live);

    await Promise.all([presenter.waitForURL(`${base}/present`), presenter.getByRole("button", { name: "Open question 1" }).click()]);
    await expectNoAxeViolations(t, presenter);
    for (const page of [annaPage, brunoPage]) await page.getByRole("heading", { name: "Capital of France?" }).waitFor(live);
    await screen.getByRole("heading", { name: "Capital of France?" }).waitFor(live);
    t.is(await screen.locator(".poll-live-correct").count(), 0, "the projector shows no right answer while answers are open");
    await expectNoAxeViolations(t, annaPage);
    t.false(await hasHorizontalScroll(annaPage), "no sideways scrolling at 360 px");

    await annaPage.getByRole("radio", { name: "Paris" }).check();
    await Promise.all([annaPage.waitForURL(base), annaPage.getByRole("button", { name: "Send my answer" }).click()]);
    await annaPage.getByText("Your answer is in.").waitFor();
    await screen.getByText("1 person answered").waitFor(live);
    await brunoPage.getByRole("radio", { name: "Lyon" }).check();
    await Promise.all([brunoPage.waitForURL(base), brunoPage.getByRole("button", { name: "Send my answer" }).click()]);
    await screen.getByText("2 people answered").waitFor(live);
    await presenter.getByText("2 people answered").waitFor(live);
    await expectNoAxeViolations(t, screen);

    // The reveal: the projector and the phones update by themselves.
    await Promise.all([presenter.waitForURL(`${base}/present`), presenter.getByRole("button", { name: "Close answers and show the right answer" }).click()]);
    await screen.locator(".poll-live-correct", { hasText: "Paris" }).waitFor(live);
    const chart = screen.locator("svg.poll-chart");
    await chart.waitFor();
    t.regex((await chart.locator("title").textContent()) ?? "", /Lyon: 1 \(50 %\); Paris: 1 \(50 %\)/);
    t.deepEqual(await screen.locator(".poll-live-ranking li").allInnerTexts(), ["Anna Answer 2 points", "Bruno Bright 0 points"]);
    await annaPage.getByText("Right! +2 points").waitFor(live);
    await brunoPage.getByText("Not this time").waitFor(live);
    await expectNoAxeViolations(t, screen);
    await expectNoAxeViolations(t, annaPage);
    await expectNoAxeViolations(t, brunoPage);
    await expectNoAxeViolations(t, presenter);
    await screenshot(screen, "live-quiz-projector-reveal");
    await screenshot(annaPage, "live-quiz-phone-reveal");

    await Promise.all([presenter.waitForURL(`${base}/present`), presenter.getByRole("button", { name: "Finish and post the ranking" }).click()]);
    await presenter.getByText("The final ranking is posted in the stream.").waitFor();
    await screen.getByRole("heading", { name: "Final ranking" }).waitFor(live);
    await annaPage.getByText("The quiz is over.").waitFor(live);
    t.deepEqual(await annaPage.locator(".poll-live-ranking li").allInnerTexts(), ["Anna Answer 2 points", "Bruno Bright 0 points"]);
    await expectNoAxeViolations(t, annaPage);
    await expectNoAxeViolations(t, screen);
    await expectNoAxeViolations(t, presenter);

    await annaPage.goto(`${app.url}${room.url}`);
    const ranking = annaPage.locator(".poll-live-final");
    t.true(await ranking.getByText("Final ranking of the live quiz Friday quiz").isVisible());
    t.deepEqual(await ranking.locator(".poll-live-ranking li").allInnerTexts(), ["Anna Answer 2 points", "Bruno Bright 0 points"]);
    await expectNoAxeViolations(t, annaPage);
    t.false(await hasHorizontalScroll(annaPage));

    // A periodic refresh that a click on a form happened to cut short is no problem (the next page shows the state).
    const real = (problems: string[]) => problems.filter((problem) => !/\/live(\/present|\/screen)?\?partial=1 net::ERR_ABORTED$/.test(problem));
    t.deepEqual(real(presenterWatch.problems), []);
    t.deepEqual(real(screenWatch.problems), []);
    for (const entry of phones) t.deepEqual(real(entry.watch.problems), []);
    for (const entry of phones) await entry.close();
    await presenting.close();
  });
});
