import test from "ava";
import { startApp, adminAccount, type TestApp } from "../helpers/app.ts";
import { Session } from "../../core/models/session.ts";
import { User } from "../../core/models/user.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp({ AGORA_LOGIN_ATTEMPTS_PER_ACCOUNT: "3", AGORA_LOGIN_ATTEMPTS_PER_IP: "8" });
});
test.after.always(() => app?.close());

test.serial("passwords are stored as argon2id", async (t) => {
  const admin = await User.findOne({ where: { email: adminAccount.email } });
  t.regex(admin!.passwordHash!, /^\$argon2id\$/);
  t.false(admin!.passwordHash!.includes(adminAccount.password));
});

test.serial("the session cookie is HttpOnly and SameSite=Lax, and not Secure over plain HTTP", async (t) => {
  const { account } = await app.createUser();
  const client = app.client();
  await client.get("/login");
  const response = await client.post("/login", { login: account.email, password: account.password });
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith("agora.sid="));
  t.truthy(cookie);
  t.regex(cookie!, /;\s*httponly/i);
  t.regex(cookie!, /;\s*samesite=lax/i);
  t.notRegex(cookie!, /;\s*secure/i);
});

test.serial("after too many failures the account is locked: even the right password gets 429", async (t) => {
  const { account } = await app.createUser();
  const client = app.client();
  for (let attempt = 0; attempt < 3; attempt++) {
    t.is((await client.post("/login", { login: account.email, password: `wrong-${attempt}` })).status, 401);
  }
  const locked = await client.post("/login", { login: account.email, password: account.password });
  t.is(locked.status, 429);
  t.truthy(locked.headers.get("retry-after"));
  t.regex(locked.text, /Too many failed attempts/);
  t.is((await client.get("/")).status, 302, "not signed in");
  // Another account from the same address is not affected by this account's lock.
  const { account: other } = await app.createUser();
  t.is((await app.client().post("/login", { login: other.email, password: other.password })).status, 302);
});

test.serial("a disabled account cannot sign in and its open session ends on the next request", async (t) => {
  const { client, account, userId } = await app.signedIn("member");
  t.is((await client.get("/account")).status, 200);
  await User.update({ status: "disabled" }, { where: { id: userId } });
  const next = await client.get("/account");
  t.is(next.status, 302);
  t.regex(next.location, /^\/login/);
  t.is(await Session.count({ where: { userId } }), 0, "the session row is gone");
  const login = await app.client().post("/login", { login: account.email, password: account.password });
  t.is(login.status, 403);
  t.regex(login.text, /disabled/);
});

// Runs last: it locks this test's IP address for every account.
test.serial("failures spread over many accounts lock the IP address", async (t) => {
  const { account: victim } = await app.createUser();
  // Earlier tests already spent some of this IP's 8 failures; each attempt here uses a fresh account.
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 9 && !statuses.includes(429); attempt++) {
    const { account } = await app.createUser();
    statuses.push((await app.client().post("/login", { login: account.email, password: "wrong-password" })).status);
  }
  t.true(statuses.includes(401));
  t.is(statuses.at(-1), 429, "no single account reached its own limit, yet the IP is refused");
  const blocked = await app.client().post("/login", { login: victim.email, password: victim.password });
  t.is(blocked.status, 429, "the per-IP limit refuses even a right password for an untouched account");
});
