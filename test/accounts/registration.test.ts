import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { RegistrationMode } from "../../core/settings.ts";
import { User } from "../../core/models/user.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const setMode = (registrationMode: RegistrationMode) => app.app.settings.set({ registrationMode });
const person = (email: string) => ({ displayName: "Nina Newcomer", email, password: "a-long-password", passwordConfirm: "a-long-password", language: "en" });

test.serial("closed mode: /register is refused and creates nothing", async (t) => {
  await setMode("closed");
  const client = app.client();
  const page = await client.get("/register");
  t.is(page.status, 404);
  t.regex(page.text, /Registration is closed/);
  const post = await client.post("/register", person("closed@example.test"));
  t.is(post.status, 404);
  t.is(await User.count({ where: { email: "closed@example.test" } }), 0);
});

test.serial("invite mode: self sign-up without an invitation is refused", async (t) => {
  await setMode("invite");
  const client = app.client();
  const page = await client.get("/register");
  t.is(page.status, 403);
  t.regex(page.text, /only join this site through an invitation/);
  const post = await client.post("/register", person("noinvite@example.test"));
  t.is(post.status, 403);
  t.is(await User.count({ where: { email: "noinvite@example.test" } }), 0);
  const unknownToken = await client.get(`/register?invite=${"x".repeat(43)}`);
  t.is(unknownToken.status, 404);
  t.regex(unknownToken.text, /invitation link is not valid/);
});

test.serial("open mode: the account is active at once and signed in", async (t) => {
  await setMode("open");
  const client = app.client();
  const page = await client.get("/register");
  t.is(page.status, 200);
  t.regex(page.text, /type="password"/);
  const done = await client.post("/register", person("Open.Person@Example.test"));
  t.is(done.status, 302);
  t.is(done.location, "/");
  const home = await client.get("/");
  t.is(home.status, 200);
  t.regex(home.text, /Nina Newcomer/);
  const user = await User.findOne({ where: { email: "open.person@example.test" } });
  t.is(user?.status, "active");
  t.is(user?.role, "member");
  t.true(user?.passwordHash?.startsWith("$argon2id$"));
});

test.serial("open mode: invalid input and a taken e-mail re-render the form with 422 and create nothing", async (t) => {
  await setMode("open");
  const client = app.client();
  const mismatch = await client.post("/register", { ...person("mismatch@example.test"), passwordConfirm: "something-else" });
  t.is(mismatch.status, 422);
  t.regex(mismatch.text, /value="mismatch@example.test"/);
  t.regex(mismatch.text, /two passwords are not the same/);
  t.is(await User.count({ where: { email: "mismatch@example.test" } }), 0);

  const { account } = await app.createUser();
  const taken = await client.post("/register", person(account.email));
  t.is(taken.status, 422);
  t.regex(taken.text, /already uses this e-mail/);
  t.is(await User.count({ where: { email: account.email } }), 1);
});

test.serial("approval mode: the account waits as pending and cannot sign in until approved", async (t) => {
  await setMode("approval");
  const client = app.client();
  const page = await client.get("/register");
  t.is(page.status, 200);
  t.regex(page.text, /administrator reviews new accounts/);
  const done = await client.post("/register", person("waiting@example.test"));
  t.is(done.status, 302);
  t.is(done.location, "/register/pending");
  const pending = await client.get(done.location);
  t.regex(pending.text, /Awaiting approval/);
  t.is((await client.get("/")).status, 302, "not signed in");
  t.is((await User.findOne({ where: { email: "waiting@example.test" } }))?.status, "pending");

  const refused = await client.post("/login", { login: "waiting@example.test", password: "a-long-password" });
  t.is(refused.status, 403);
  t.regex(refused.text, /waiting for an administrator/);

  await User.update({ status: "active" }, { where: { email: "waiting@example.test" } });
  const accepted = await client.post("/login", { login: "waiting@example.test", password: "a-long-password" });
  t.is(accepted.status, 302);
});

test.serial("registration emits user.created", async (t) => {
  await setMode("open");
  const seen: string[] = [];
  const hooks = app.app.registry.hooks;
  const emit = hooks.emit.bind(hooks);
  hooks.emit = (async (name: string, payload: { user?: User }) => {
    if (name === "user.created" && payload.user) seen.push(payload.user.email);
    return emit(name as never, payload as never);
  }) as typeof hooks.emit;
  try {
    await app.client().post("/register", person("hooked@example.test"));
  } finally {
    hooks.emit = emit;
  }
  t.deepEqual(seen, ["hooked@example.test"]);
});

// Runs last: it uses up this IP's registration allowance.
test.serial("registration is rate-limited per IP address", async (t) => {
  await setMode("open");
  const client = app.client();
  let response = { status: 0, headers: new Headers() };
  for (let attempt = 0; attempt < 12 && response.status !== 429; attempt++) {
    response = await client.post("/register", { ...person(`flood${attempt}@example.test`), passwordConfirm: "mismatch" });
  }
  t.is(response.status, 429);
  t.truthy(response.headers.get("retry-after"));
  const valid = await client.post("/register", person("after-limit@example.test"));
  t.is(valid.status, 429);
  t.is(await User.count({ where: { email: "after-limit@example.test" } }), 0);
});
