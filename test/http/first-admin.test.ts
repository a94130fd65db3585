import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { User } from "../../core/models/user.ts";
import { Post } from "../../core/models/post.ts";

// A French browser sets up Agora in French: the page, the site's default language and the admin's own account.
let app: TestApp;
test.before(async () => {
  app = await startApp({}, { setup: false });
});
test.after.always(() => app?.close());

const french = { "accept-language": "fr-FR,fr;q=0.9,en;q=0.5" };

test.serial("setup in a French browser: French page, no link back to itself, admin saved in French", async (t) => {
  const client = app.client();
  const page = await client.get("/setup", french);
  t.is(page.status, 200);
  t.regex(page.text, /<html lang="fr">/);
  t.regex(page.text, /<option value="fr" selected/, "French is preselected");
  t.false(page.text.includes('href="/login"'), "no “Sign in” link: /login leads back to /setup until setup is done");

  const done = await client.post("/setup", { siteName: "Société Test", displayName: "Rémi Racine", email: "remi@example.test", password: "un-long-mot-de-passe", passwordConfirm: "un-long-mot-de-passe", language: "fr" }, { headers: french });
  t.is(done.status, 302);
  const admin = await User.findOne({ where: { email: "remi@example.test" } });
  t.is(admin?.language, "fr", "the admin's account language");
  const dashboard = await client.get("/");
  t.regex(dashboard.text, /<html lang="fr">/);
});

test.serial("an admin's menu names Moderation once, on the dashboard and on admin pages", async (t) => {
  const client = app.client();
  await client.login("remi@example.test", "un-long-mot-de-passe");
  for (const path of ["/", "/admin", "/admin/users"]) {
    const page = await client.get(path);
    t.is(page.status, 200, path);
    const sidebar = page.text.slice(page.text.indexOf('<details class="sidebar"'), page.text.indexOf("</details>", page.text.indexOf('<details class="sidebar"')));
    t.is(sidebar.match(/href="\/moderation"/g)?.length, 1, `${path}: one Moderation link`);
  }
});

test.serial("the lock message counts minutes with real plurals, in English and French", async (t) => {
  const { account } = await app.createUser();
  const client = app.client();
  for (let attempt = 0; attempt < 5; attempt += 1) await client.post("/login", { login: account.email, password: "wrong password here" });
  const english = await client.post("/login", { login: account.email, password: account.password }, { headers: { "accept-language": "en" } });
  t.is(english.status, 429);
  t.regex(english.text, /Try again in 15 minutes\./);
  t.false(english.text.includes("minute(s)"));
  const frenchPage = await client.post("/login", { login: account.email, password: account.password }, { headers: french });
  t.regex(frenchPage.text, /Réessayez dans 15 minutes\./);
  t.false(frenchPage.text.includes("minute(s)"));
});

test.serial("an error raised before the renderer (body too large) shows the site's name and the signed-in header", async (t) => {
  const client = app.client();
  await client.login("remi@example.test", "un-long-mot-de-passe");
  const before = await Post.count();
  const response = await client.request("POST", "/posts", { body: `body=${"x".repeat(600 * 1024)}`, headers: { "content-type": "application/x-www-form-urlencoded" } });
  t.is(response.status, 413);
  t.regex(response.text, /<span class="brand-name">Société Test<\/span>/, "the site's own name, not “Agora”");
  t.regex(response.text, /class="user-menu"[\s\S]*Rémi Racine/, "the signed-in header");
  t.regex(response.text, /<html lang="fr">/, "in the account's language");
  t.is(await Post.count(), before, "nothing written");
  const anonymous = await app.client().request("POST", "/login", { body: `login=${"x".repeat(600 * 1024)}`, headers: { "content-type": "application/x-www-form-urlencoded" } });
  t.is(anonymous.status, 413);
  t.regex(anonymous.text, /Société Test/);
  t.false(anonymous.text.includes('class="user-menu"'));
});
