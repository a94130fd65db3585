import test from "ava";
import type { Browser } from "playwright-core";
import { adminAccount, type TestApp, type TestAccount } from "../helpers/app.ts";
import { desktop, expectNoAxeViolations, phone, signInThroughForm, startAppAndBrowser, watchPage, whenBrowserAvailable } from "../helpers/browser.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import { comment } from "../comments/helpers.ts";
import { addMember, createGroup } from "../../modules/groups/test/helpers.ts";
import { markContent } from "../fixtures/modules/fixture-decorator/index.ts";

// As an admin, a member and a guest, on a desktop and at 360 px, in English and French: axe-core finds no
// WCAG 2.1 A/AA violation on the main pages (setup itself is walked in setup.test.ts).
let app: TestApp;
let browser: Browser;
const people: Record<"admin" | "member" | "guest", { account: TestAccount | typeof adminAccount; pages: string[] }> = {} as never;

whenBrowserAvailable(() => {
  startAppAndBrowser((started, chromium) => {
    app = started;
    browser = chromium;
  });

  // Made by the first test (before hooks run side by side, so the app may not be up in one).
  let isReady = false;
  const prepare = async () => {
    if (isReady) return;
    isReady = true;
    const adminClient = app.client();
    await adminClient.login(adminAccount.email, adminAccount.password);
    const member = await app.signedIn("member", { displayName: "Mona Member" });
    const guest = await app.createUser({ displayName: "Gus Guest", role: "guest" });
    const group = await createGroup(member.client, { name: "Walkers", visibility: "private", description: "Where **we** walk" });
    await addMember(group.id, guest.userId);
    const post = await publish(member.client, { target: `group:${group.id}`, body: "**Walk** on Monday with @" + (await usernameOf(guest.userId)) + ", see the [map](https://example.test/map)" });
    await comment(member.client, post, "A walkable comment");
    const companyPost = await publish(adminClient, { target: "company:0", body: "Company walk announcement" });
    await comment(member.client, companyPost, "Count me in, walk");
    // Modules' badges on entries, account menu entries and an admin page are walked too.
    for (const id of ["fixture-admin", "fixture-decorator"]) await adminClient.post(`/admin/modules/${id}/enable`, { state: "enabled" });
    await markContent(app.app.sequelize, companyPost, "answered");
    await markContent(app.app.sequelize, companyPost, "kudos", 2);
    const common = [`/`, `/c/${post}`, group.url, `/groups`, `/people`, `/search?q=walk`, `/notifications`];
    people.admin = { account: adminAccount, pages: [...common, `/u/${await usernameOf(member.userId)}`, `/admin`, `/admin/users`, `/admin/invitations`, `/admin/modules`, `/admin/settings`, `/admin/ldap`, `/admin/audit`, `/admin/fixture-admin`, `/moderation`] };
    people.member = { account: member.account, pages: [...common, `/c/${companyPost}`, `/u/${await usernameOf(member.userId)}`, `/account`] };
    // Guests have no people directory (403 by design).
    people.guest = { account: guest.account, pages: [...common.filter((path) => path !== "/people"), `/u/${await usernameOf(guest.userId)}`] };
  };

  for (const role of ["admin", "member", "guest"] as const) {
    for (const locale of ["en-GB", "fr-FR"]) {
      test.serial(`${role}, ${locale}: no WCAG 2.1 AA violation on the main pages, desktop and 360 px`, async (t) => {
        t.timeout(240_000);
        await prepare();
        for (const viewport of [desktop, phone]) {
          const context = await browser.newContext({ ...viewport, locale });
          const page = await context.newPage();
          const watcher = watchPage(page, app.url);
          await signInThroughForm(page, app.url, people[role].account);
          for (const path of people[role].pages) {
            const response = await page.goto(`${app.url}${path}`);
            t.true((response?.status() ?? 0) < 400, `${role} opens ${path}: ${response?.status()}`);
          }
          await expectNoAxeViolations(t, page);
          t.deepEqual(watcher.problems, []);
          await context.close();
        }
      });
    }
  }
});
