import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { usernameOf } from "../helpers/content.ts";

// Profile tabs (menu "profile" + a page under /u/<name>/<module>/) and panels ("profile.panels"), by test/fixtures/modules/fixture-profile.
let app: TestApp;
let admin: Awaited<ReturnType<TestApp["signedIn"]>>;
test.before(async () => {
  app = await startApp();
  admin = await app.signedIn("admin");
});
test.after.always(() => app?.close());

test.serial("while the module is off, a profile has no tabs, no panel, and its page is 404", async (t) => {
  const person = await app.signedIn("member", { displayName: "Pia Profile" });
  const name = await usernameOf(person.userId);
  const page = await admin.client.get(`/u/${name}`);
  t.is(page.status, 200);
  t.false(page.text.includes("profile-tabs"));
  t.false(page.text.includes("Recognition"));
  t.is((await admin.client.get(`/u/${name}/fixture-profile`)).status, 404);
});

test.serial("a module adds a tab with its own page under the profile, and a panel under the profile card", async (t) => {
  t.is((await admin.client.post("/admin/modules/fixture-profile/enable", { state: "enabled" })).status, 302);
  const person = await app.signedIn("member", { displayName: "Rui <Recognised>" });
  const name = await usernameOf(person.userId);
  const viewer = await app.signedIn("member");

  const profile = await viewer.client.get(`/u/${name}`);
  t.regex(profile.text, new RegExp(`<nav class="group-tabs profile-tabs" aria-label="Profile sections">\\s*<a href="/u/${name}" aria-current="page">Activity</a>\\s*<a href="/u/${name}/fixture-profile">Badges</a>`));
  t.true(profile.text.includes("<h2>Recognition</h2>"), "the panel's title");
  t.true(profile.text.includes("Thanks for Rui &lt;Recognised&gt; &lt;3"), "the panel's items, escaped");

  const tab = await viewer.client.get(`/u/${name}/fixture-profile`);
  t.is(tab.status, 200);
  t.true(tab.text.includes("Badges of Rui &lt;Recognised&gt;"));
  t.regex(tab.text, new RegExp(`<a href="/u/${name}/fixture-profile" aria-current="page">Badges</a>`), "the tab is current on its page");
  t.is((await viewer.client.get("/u/nobody-here/fixture-profile")).status, 404);
});

test.serial("a guest, who may not read a member's profile, gets neither the tabs nor the module's page", async (t) => {
  const person = await app.signedIn("member");
  const name = await usernameOf(person.userId);
  const guest = await app.signedIn("guest");
  const limited = await guest.client.get(`/u/${name}`);
  t.false(limited.text.includes("profile-tabs"));
  t.false(limited.text.includes("Recognition"));
  t.is((await guest.client.get(`/u/${name}/fixture-profile`)).status, 404);
});
