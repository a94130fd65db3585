import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { Session } from "../../core/models/session.ts";
import { User } from "../../core/models/user.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

test.serial("/account needs a signed-in user", async (t) => {
  const page = await app.client().get("/account");
  t.is(page.status, 302);
  t.regex(page.location, /^\/login\?next=%2Faccount/);
});

test.serial("name and language change; the language applies to the very next page", async (t) => {
  const { client, userId } = await app.signedIn("member");
  const page = await client.get("/account");
  t.is(page.status, 200);
  t.regex(page.text, /<html lang="en">/);

  const invalid = await client.post("/account", { displayName: "   ", language: "fr" });
  t.is(invalid.status, 422);
  t.is((await User.findByPk(userId))?.language, null);

  const saved = await client.post("/account", { displayName: "Renamed Person", language: "fr" });
  t.is(saved.status, 302);
  const french = await client.get("/account");
  t.regex(french.text, /<html lang="fr">/);
  t.regex(french.text, /Paramètres du compte/);
  t.regex(french.text, /Renamed Person/);

  await client.post("/account", { displayName: "Renamed Person", language: "" });
  t.is((await User.findByPk(userId))?.language, null, "empty means: follow the browser");
  const browser = await client.get("/account", { "accept-language": "fr-CA,fr;q=0.9" });
  t.regex(browser.text, /<html lang="fr">/);
  t.regex((await client.get("/account", { "accept-language": "en" })).text, /<html lang="en">/);
});

test.serial("changing the password needs the current one and ends the other sessions", async (t) => {
  const { client, account, userId } = await app.signedIn("member");
  const other = app.client();
  await other.login(account.email, account.password);
  t.is(await Session.count({ where: { userId } }), 2);

  const wrong = await client.post("/account/password", { currentPassword: "not-my-password", password: "another-password-1", passwordConfirm: "another-password-1" });
  t.is(wrong.status, 422);
  t.regex(wrong.text, /current password is not right/);

  const changed = await client.post("/account/password", { currentPassword: account.password, password: "another-password-1", passwordConfirm: "another-password-1" });
  t.is(changed.status, 302);
  t.is((await client.get("/account")).status, 200, "this browser stays signed in");
  t.is((await other.get("/account")).status, 302, "the other one is signed out");
  t.is(await Session.count({ where: { userId } }), 1);
  t.is((await app.client().post("/login", { login: account.email, password: account.password })).status, 401);
  t.is((await app.client().post("/login", { login: account.email, password: "another-password-1" })).status, 302);
  t.true((await User.findByPk(userId))!.passwordHash!.startsWith("$argon2id$"));
});

test.serial("CSRF: a POST without a token or with a wrong one is 403 and changes nothing", async (t) => {
  const { client, userId } = await app.signedIn("member");
  await client.get("/account");
  const missing = await client.post("/account", { displayName: "Forged Name", language: "fr" }, { csrf: false });
  t.is(missing.status, 403);
  const forged = await client.post("/account", { displayName: "Forged Name", language: "fr", _csrf: "forged-token" }, { csrf: false });
  t.is(forged.status, 403);
  const passwordForged = await client.post("/account/password", { currentPassword: "correct-horse-battery", password: "forged-password-1", passwordConfirm: "forged-password-1" }, { csrf: false });
  t.is(passwordForged.status, 403);
  const user = await User.findByPk(userId);
  t.not(user?.displayName, "Forged Name");
  t.is(user?.language, null);
  t.is((await app.client().post("/login", { login: user!.email, password: "forged-password-1" })).status, 401);

  const { account } = await app.createUser();
  const anonymous = app.client();
  await anonymous.get("/login");
  const login = await anonymous.post("/login", { login: account.email, password: account.password, _csrf: "wrong" }, { csrf: false });
  t.is(login.status, 403);
  t.is((await anonymous.get("/account")).status, 302, "not signed in");
});
