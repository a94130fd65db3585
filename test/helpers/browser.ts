import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import test, { type ExecutionContext } from "ava";
import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";
import { startApp, type TestApp } from "./app.ts";

/** Debian's Chromium (`apt-get install chromium`); playwright-core brings no browser of its own. */
export const chromiumPath = "/usr/bin/chromium";

/** Screenshots land here; the folder is git-ignored. */
export const artifactsDir = path.resolve(import.meta.dirname, "../artifacts");

export const desktop: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
export const phone: BrowserContextOptions = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

/**
 * Whether browser tests can run here. CI sets AGORA_REQUIRE_BROWSER=1 so that a missing Chromium is a
 * failure there rather than a silently skipped test.
 */
export function browserAvailability(): { isAvailable: boolean; isRequired: boolean; reason: string } {
  const isAvailable = existsSync(chromiumPath);
  return {
    isAvailable,
    isRequired: process.env.AGORA_REQUIRE_BROWSER === "1",
    reason: isAvailable ? "" : `${chromiumPath} not found: install it with "apt-get install -y chromium"`,
  };
}

/**
 * Registers a file's browser tests (`define`) when Chromium is here; otherwise one skipped test that says
 * why, or a failing one where AGORA_REQUIRE_BROWSER=1 (CI).
 */
export function whenBrowserAvailable(define: () => void) {
  const availability = browserAvailability();
  if (availability.isAvailable) define();
  else if (availability.isRequired) test("Chromium is installed (AGORA_REQUIRE_BROWSER=1)", (t) => t.fail(availability.reason));
  else test.skip(`browser tests skipped: ${availability.reason}`, () => {});
}

/**
 * Starts the app and Chromium before a file's browser tests and closes both after them (whichever did
 * start); `assign` hands them to the file's variables once both run.
 */
export function startAppAndBrowser(assign: (app: TestApp, browser: Browser) => void, ...startArgs: Parameters<typeof startApp>) {
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  test.before(async () => {
    app = await startApp(...startArgs);
    browser = await launchBrowser();
    assign(app, browser);
  });
  test.after.always(async () => {
    await browser?.close();
    await app?.close();
  });
}

/** Signs in through the login form as a person would, and waits for the dashboard. */
export async function signInThroughForm(page: Page, baseUrl: string, account: { email: string; password: string }) {
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name="login"]', account.email);
  await page.fill('input[name="password"]', account.password);
  await Promise.all([page.waitForURL(`${baseUrl}/`), page.click('form[action="/login"] button[type="submit"]')]);
}

/**
 * Headless Chromium with no network chatter of its own. chromium.launch gives every run a fresh
 * temporary profile (user-data-dir) and deletes it on close.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Collects what a broken page would say in the console: script errors, CSP violations ("Refused to
 * ..."), failed asset loads. Read `problems` at the end of a test.
 */
export function watchPage(page: Page, baseUrl: string): { problems: string[] } {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()} (${message.location().url})`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => {
    // The live-updates stream stays open until the page goes: leaving the page aborts it, as it should.
    if (request.url().includes("/live/events") && request.failure()?.errorText === "net::ERR_ABORTED") return;
    problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ""}`);
  });
  page.on("request", (request) => {
    if (!request.url().startsWith(baseUrl) && !request.url().startsWith("data:")) problems.push(`request to another origin: ${request.url()}`);
  });
  auditEveryPage(page);
  return { problems };
}

/** WCAG 2.1 A and AA: what every page must pass. */
const axeTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const axeFindings = new WeakMap<Page, string[]>();
const auditedPages = new WeakSet<Page>();

/**
 * Makes `page` run axe-core after every navigation the test awaits (goto, reload, goBack, waitForURL:
 * the way these tests follow a click to a new page); findings collect for expectNoAxeViolations.
 * watchPage calls it, so every watched page is audited.
 */
export function auditEveryPage(page: Page) {
  if (auditedPages.has(page)) return;
  auditedPages.add(page);
  for (const method of ["goto", "reload", "goBack", "waitForURL"] as const) {
    const original = page[method].bind(page) as (...args: unknown[]) => Promise<unknown>;
    (page as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const result = await original(...args);
      await auditCurrentPage(page);
      return result;
    };
  }
}

/** Audits the page shown now, then fails the test if axe found any WCAG 2.1 AA violation on it or on an earlier page. */
export async function expectNoAxeViolations(t: ExecutionContext, page: Page) {
  await auditCurrentPage(page);
  t.deepEqual(axeFindings.get(page) ?? [], [], "axe-core: WCAG 2.1 AA violations");
}

async function auditCurrentPage(page: Page) {
  const findings = axeFindings.get(page) ?? [];
  axeFindings.set(page, findings);
  const where = new URL(page.url()).pathname + new URL(page.url()).search;
  for (const violation of await axeViolations(page)) {
    const nodes = violation.nodes.map((node) => node.target.join(" ")).join(", ");
    const finding = `${where} (${page.viewportSize()?.width ?? "?"} px): ${violation.id} [${violation.impact}] ${violation.help} — ${nodes}`;
    if (!findings.includes(finding)) findings.push(finding);
  }
}

type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (page.url() === "about:blank") return [];
  const run = (target: Page) => target.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const results = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return results.violations.map(({ id, impact, help, nodes }) => ({ id, impact, help, nodes: nodes.map((node) => ({ target: node.target })) }));
  }, axeTags);
  if (await runsScripts(page)) {
    await page.evaluate(axeSource);
    return run(page);
  }
  // With JavaScript off nothing can run inside the page, axe included: audit the same address, as the
  // same person, in a twin page whose own scripts are blocked, so it shows what the script-less page shows.
  const browser = page.context().browser();
  if (!browser) return [];
  // Cookies, not storageState(): that one reads localStorage by running script in the page, and hangs here.
  const twin = await browser.newContext({ viewport: page.viewportSize() });
  try {
    await twin.addCookies(await page.context().cookies());
    await twin.route(/\.m?js(\?|$)/, (route) => route.abort());
    const twinPage = await twin.newPage();
    await twinPage.goto(page.url());
    await twinPage.evaluate(axeSource);
    return await run(twinPage);
  } finally {
    await twin.close();
  }
}

/**
 * In a javaScriptEnabled: false context evaluate still runs, but timers never fire, and axe waits on
 * them forever; Playwright offers no flag to ask, so ask a timer.
 */
const scriptlessPages = new WeakSet<Page>();
async function runsScripts(page: Page): Promise<boolean> {
  if (scriptlessPages.has(page)) return false;
  const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), 1500));
  const runs = await Promise.race([page.evaluate(() => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 0))).catch(() => false), timeout]);
  if (!runs) scriptlessPages.add(page);
  return runs;
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** True when the page is wider than the window: a horizontal scroll bar on a phone. */
export function hasHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

/** The document's scroll width, for messages. */
export function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}
