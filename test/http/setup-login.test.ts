import test from "ava";
import { startApp, adminAccount, type TestApp } from "../helpers/app.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp({}, { setup: false });
});
test.after.always(() => app?.close());

test.serial("a fresh install sends every page to /setup, which creates the admin and names the site", async (t) => {
  const client = app.client();
  const home = await client.get("/");
  t.is(home.status, 302);
  t.is(home.location, "/setup");
  const page = await client.get("/setup");
  t.is(page.status, 200);
  t.regex(page.text, /name="siteName"/);

  const invalid = await client.post("/setup", { siteName: "Acme Social", displayName: "Root", email: "not-an-email", password: "short", passwordConfirm: "short", language: "en" });
  t.is(invalid.status, 422);
  t.regex(invalid.text, /value="Acme Social"/, "what the user typed comes back");
  t.regex(invalid.text, /Enter a valid e-mail address/);

  const done = await client.post("/setup", { siteName: "Acme Social", displayName: "Root Admin", email: adminAccount.email, password: adminAccount.password, passwordConfirm: adminAccount.password, language: "en" });
  t.is(done.status, 302);
  const dashboard = await client.get("/");
  t.is(dashboard.status, 200);
  t.regex(dashboard.text, /Acme Social/);
  t.regex(dashboard.text, /Root Admin/);
});

test.serial("setup cannot be replayed once done", async (t) => {
  const intruder = app.client();
  const page = await intruder.get("/setup");
  t.is(page.status, 302);
  const replay = await intruder.post("/setup", { siteName: "Pwned", displayName: "Eve", email: "eve@evil.test", password: "a-long-password", passwordConfirm: "a-long-password", language: "en" });
  t.is(replay.status, 302);
  const login = await intruder.post("/login", { login: "eve@evil.test", password: "a-long-password" });
  t.is(login.status, 401);
});

test.serial("login, wrong password, logout", async (t) => {
  const client = app.client();
  const wrong = await client.post("/login", { login: adminAccount.email, password: "wrong-password" });
  t.is(wrong.status, 401);
  t.regex(wrong.text, /not right/);
  t.regex(wrong.text, new RegExp(`value="${adminAccount.email}"`));

  const ok = await client.post("/login", { login: adminAccount.email, password: adminAccount.password });
  t.is(ok.status, 302);
  t.is((await client.get("/")).status, 200);

  const out = await client.post("/logout");
  t.is(out.status, 302);
  const after = await client.get("/");
  t.is(after.status, 302);
  t.regex(after.location, /^\/login/);
});

test.serial("the health check answers without a session", async (t) => {
  const response = await fetch(`${app.url}/healthz`);
  t.is(response.status, 200);
  t.deepEqual(await response.json(), { status: "ok", database: "ok" });
  t.is(response.headers.get("set-cookie"), null);
});
