import test from "ava";
import type { Browser, Page } from "playwright-core";
import { QueryTypes } from "sequelize";
import type { TestApp } from "../../../test/helpers/app.ts";
import { desktop, expectNoAxeViolations, hasHorizontalScroll, phone, screenshot, signInThroughForm, startAppAndBrowser, watchPage, whenBrowserAvailable } from "../../../test/helpers/browser.ts";
import { tinyPng } from "../../../test/admin/images.ts";

// In Chromium, a contest from start to winner: made from the composer (Contest tab, with approval), a jury named
// on its settings page, two entries (one with an image, through the multipart entry form), approved by the
// author, a vote on a 360 px page without JavaScript, a juror's scores, the close, and the winner announcement
// in the stream. axe-core on every page visited; screenshots in test/artifacts/.
let app: TestApp;
let browser: Browser;

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  });

  test.serial("a contest in the browser: composer, entries with an image, approval, a vote without JavaScript at 360 px, the jury, the winner", async (t) => {
    const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
    const admin = (await app.signedIn("admin")).client;
    for (const id of ["groups", "polls"]) t.is((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status, 302);
    const author = await app.signedIn("member", { displayName: "Paula Pollster" });
    const mia = await app.signedIn("member", { displayName: "Mia Member" });
    const carl = await app.signedIn("member", { displayName: "Carl Colleague" });
    const vera = await app.signedIn("member", { displayName: "Vera Voter" });
    const jo = await app.signedIn("member", { displayName: "Jo Juror" });
    const hour = 3600_000;
    // datetime-local values (minutes, no zone): the people here keep the server's zone, UTC in the tests.
    const local = (ms: number) => new Date(Date.now() + ms).toISOString().slice(0, 16);

    /** A signed-in page of its own for each person; every page is audited by axe as it loads (watchPage). */
    const pages: { page: Page; problems: string[]; name: string }[] = [];
    async function open(account: { email: string; password: string }, name: string, options = desktop) {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      const watcher = watchPage(page, app.url);
      // Close and the other confirmed actions ask first (with JavaScript): the person says yes.
      page.on("dialog", (dialog) => void dialog.accept());
      await signInThroughForm(page, app.url, account);
      pages.push({ page, problems: watcher.problems, name });
      return page;
    }

    // The author makes the contest from the dashboard's composer.
    const authorPage = await open(author.account, "author");
    await authorPage.locator("summary.composer-prompt").click();
    const composer = authorPage.locator("form.composer");
    await composer.locator('.composer-kinds a[data-kind="contest"]').click();
    t.is(await composer.locator('label[for="f-body"]').textContent(), "The contest: what to submit");
    await composer.locator('select[name="target"]').selectOption({ label: "Company stream" });
    await composer.locator('textarea[name="body"]').fill("Best photo of the offsite");
    await composer.getByLabel("Entries until").fill(local(hour));
    await composer.getByLabel("Voting until").fill(local(2 * hour));
    await composer.getByLabel("Entries wait for approval by me or the group's moderators").check();
    await expectNoAxeViolations(t, authorPage);
    await screenshot(authorPage, "contest-composer");
    await Promise.all([authorPage.waitForURL(`${app.url}/`), composer.locator('button[type="submit"]').click()]);
    const contest = authorPage.locator(".poll", { hasText: "Best photo of the offsite" });
    await contest.getByText("Entries are open until").waitFor();
    const [poll] = await sql<{ id: number; is_moderated: boolean | number; submissions_close_at: unknown }>("SELECT id, is_moderated, submissions_close_at FROM polls WHERE title = 'Best photo of the offsite'");
    t.truthy(poll, "the contest is written");
    t.true(Boolean(poll.is_moderated), "entries wait for approval");
    const [content] = await sql<{ id: number }>("SELECT id FROM contents WHERE type = 'contest' AND ref_id = :id", { id: poll.id });
    const contestUrl = `${app.url}/c/${content.id}`;

    // The author finds Jo among the members on the contest's settings page and ticks her as juror.
    const settingsUrl = `${app.url}/polls/${content.id}/settings`;
    await authorPage.goto(settingsUrl);
    const search = authorPage.locator("form.poll-jury-search");
    await search.getByLabel("Find members by name").fill("jo");
    await Promise.all([authorPage.waitForURL(`${settingsUrl}?jurorQuery=jo#jury`), search.getByRole("button", { name: "Search" }).click()]);
    await authorPage.getByRole("checkbox", { name: "Jo Juror" }).check();
    await screenshot(authorPage, "contest-jury-picker");
    await Promise.all([authorPage.waitForURL(settingsUrl), authorPage.getByRole("button", { name: "Save the jury" }).click()]);
    t.true(await authorPage.getByText("The jury is saved.").isVisible());
    t.deepEqual((await sql<{ user_id: number }>("SELECT user_id FROM poll_jurors WHERE poll_id = :id", { id: poll.id })).map((row) => Number(row.user_id)), [jo.userId]);

    // Mia submits an entry with an image through the multipart form; Carl one without.
    const miaPage = await open(mia.account, "mia");
    await miaPage.goto(contestUrl);
    await miaPage.getByLabel("Your entry (1 left)").fill("Sunset over the lake");
    await miaPage.getByLabel("An image (optional: JPEG, PNG, GIF or WebP)").setInputFiles({ name: "sunset.png", mimeType: "image/png", buffer: tinyPng(24, 16, [230, 120, 40, 255]) });
    await Promise.all([miaPage.waitForURL(contestUrl), miaPage.getByRole("button", { name: "Submit", exact: true }).click()]);
    t.true(await miaPage.getByText("Your entry is in, once approved.").isVisible());
    const carlPage = await open(carl.account, "carl");
    await carlPage.goto(contestUrl);
    await carlPage.getByLabel("Your entry (1 left)").fill("Mountain at dawn");
    await Promise.all([carlPage.waitForURL(contestUrl), carlPage.getByRole("button", { name: "Submit", exact: true }).click()]);
    const entries = await sql<{ id: number; label: string; is_pending: boolean | number; image_file_id: number | null }>("SELECT id, label, is_pending, image_file_id FROM poll_options WHERE poll_id = :id ORDER BY id", { id: poll.id });
    t.deepEqual(entries.map((entry) => [entry.label, Boolean(entry.is_pending), entry.image_file_id !== null]), [["Sunset over the lake", true, true], ["Mountain at dawn", true, false]], "both wait; Mia's carries her image");

    // The author approves both under "Entries awaiting approval".
    await authorPage.goto(contestUrl);
    const pending = authorPage.locator(".poll-contest-pending");
    t.deepEqual((await pending.locator("li").allInnerTexts()).map((text) => text.replace(/\s+/g, " ").trim()), ["Sunset over the lake Approve Sunset over the lake", "Mountain at dawn Approve Mountain at dawn"]);
    await screenshot(authorPage, "contest-moderation");
    for (const label of ["Sunset over the lake", "Mountain at dawn"]) {
      await Promise.all([authorPage.waitForURL(contestUrl), pending.getByRole("button", { name: `Approve ${label}` }).click()]);
    }
    t.is(await authorPage.locator(".poll-contest-pending").count(), 0, "nothing left to approve");
    t.deepEqual((await sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM poll_options WHERE poll_id = :id AND is_pending = :no", { id: poll.id, no: false })).map((row) => Number(row.n)), [2]);

    const { clock } = await import("../clock.ts");
    clock.now = () => new Date(Date.now() + hour + 60_000); // the entries closed a minute ago: voting is open
    try {
      // Vera votes on a phone-sized page without JavaScript.
      const veraPage = await open(vera.account, "vera", { ...phone, javaScriptEnabled: false });
      await veraPage.goto(contestUrl);
      const ballot = veraPage.locator(".poll", { hasText: "Best photo of the offsite" });
      t.true(await ballot.getByText("Voting is open").isVisible());
      t.true(await ballot.getByText("Choose one.", { exact: true }).isVisible(), "one vote each: said plainly");
      const thumbnail = ballot.locator(`img[src="/polls/${content.id}/entries/${entries[0].id}/image?size=thumb"]`);
      t.true(await thumbnail.isVisible(), "the ballot shows Mia's image");
      t.true(await thumbnail.evaluate((image) => (image as HTMLImageElement).naturalWidth > 0), "and it loads");
      await ballot.getByRole("checkbox", { name: "Sunset over the lake" }).check();
      await Promise.all([veraPage.waitForURL(contestUrl), ballot.locator('form.poll-ballot button[type="submit"]').click()]);
      t.true(await veraPage.getByText("Your answer is recorded.").isVisible());
      t.false(await hasHorizontalScroll(veraPage), "no sideways scrolling at 360 px");
      await screenshot(veraPage, "contest-phone-voted");
      const votes = await sql<{ option_id: number }>("SELECT c.option_id FROM poll_answer_choices c JOIN poll_answers a ON a.id = c.answer_id WHERE a.poll_id = :id", { id: poll.id });
      t.deepEqual(votes.map((row) => Number(row.option_id)), [entries[0].id], "one vote, for Sunset");

      // Jo scores both entries with the jury form.
      const joPage = await open(jo.account, "jo");
      await joPage.goto(contestUrl);
      const jury = joPage.locator("form.poll-jury");
      t.true(await jury.getByText("Your jury scores").isVisible());
      await jury.getByLabel("Sunset over the lake").fill("6");
      await jury.getByLabel("Mountain at dawn").fill("9");
      await Promise.all([joPage.waitForURL(contestUrl), jury.getByRole("button", { name: "Save my scores" }).click()]);
      t.true(await joPage.getByText("Your scores are saved.").isVisible());
      await screenshot(joPage, "contest-jury");
      const scores = await sql<{ option_id: number; score: number }>("SELECT option_id, score FROM poll_jury_scores WHERE poll_id = :id ORDER BY option_id", { id: poll.id });
      t.deepEqual(scores.map((row) => [Number(row.option_id), Number(row.score)]), [[entries[0].id, 6], [entries[1].id, 9]]);

      // The author closes the contest (confirming); the winner is announced in the stream.
      await authorPage.goto(contestUrl);
      await Promise.all([authorPage.waitForURL(contestUrl), authorPage.locator(".entry-actions").getByRole("button", { name: "Close poll" }).click()]);
    } finally {
      clock.now = () => new Date();
    }
    // Sunset: 50 % × 1/1 + 50 % × 6/10 = 80; Mountain: 0 + 50 % × 9/10 = 45.
    t.is((await sql("SELECT id FROM contents WHERE type = 'contest-winner' AND ref_id = :id", { id: poll.id })).length, 1, "one announcement");
    const veraPage = pages.find((entry) => entry.name === "vera")!.page;
    await veraPage.goto(`${app.url}/`);
    const announcement = veraPage.locator(".poll-winner");
    t.is((await announcement.locator("strong").textContent())?.trim(), "Winner of Best photo of the offsite: Sunset over the lake by Mia Member");
    t.true((await announcement.textContent())?.includes("Combined score 80 out of 100"));
    await Promise.all([veraPage.waitForURL(contestUrl), announcement.getByRole("link", { name: "See the contest" }).click()]);
    const ranking = veraPage.locator("table.poll-jury-ranking tbody tr");
    t.deepEqual(await ranking.allInnerTexts(), ["Sunset over the lake\t1\t6\t80", "Mountain at dawn\t0\t9\t45"]);
    t.false(await hasHorizontalScroll(veraPage));
    // The four-column ranking stays inside the entry's card at 360 px (the page may clip what spills out).
    const card = await veraPage.locator(".entry", { has: veraPage.locator("table.poll-jury-ranking") }).boundingBox();
    const table = await veraPage.locator("table.poll-jury-ranking").boundingBox();
    t.true(Boolean(card && table && table.x + table.width <= card.x + card.width), `the ranking fits in its card: ${JSON.stringify({ card, table })}`);
    await screenshot(veraPage, "contest-phone-winner");

    for (const { page, problems, name } of pages) {
      await expectNoAxeViolations(t, page);
      // An open page refreshes its figures when someone votes or scores (polls.js): a refresh still under way
      // when the person goes to another page is aborted by the browser, which is no fault of the page.
      const liveRefresh = new RegExp(`^request failed: ${app.url}/polls/${content.id}/(results|entries/\\d+/image\\?size=thumb) net::ERR_ABORTED$`);
      t.deepEqual(problems.filter((problem) => !liveRefresh.test(problem)), [], `${name}'s pages had no problems`);
      await page.context().close();
    }
  });
});
