import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { startSmtp, linkIn, type TestSmtp } from "../helpers/smtp.ts";
import { PasswordReset } from "../../core/models/password-reset.ts";
import { Session } from "../../core/models/session.ts";
import { User } from "../../core/models/user.ts";

let app: TestApp;
let smtp: TestSmtp;
test.before(async () => {
  smtp = await startSmtp();
  app = await startApp({ AGORA_SMTP_URL: smtp.url });
});
test.after.always(async () => {
  await app?.close();
  await smtp?.close();
});

const resetPath = (link: string) => {
  const url = new URL(link);
  return { path: url.pathname + url.search, token: url.searchParams.get("token")! };
};
const newPassword = (token: string) => ({ token, password: "brand-new-password", passwordConfirm: "brand-new-password" });

async function requestReset(email: string) {
  const client = app.client();
  const response = await client.post("/password/forgot", { email });
  return response;
}

test.serial("the reset mail arrives, its link sets a new password once and ends every session", async (t) => {
  const { client: signedIn, account, userId } = await app.signedIn("member");
  await User.update({ language: "fr" }, { where: { id: userId } });
  t.true((await Session.count({ where: { userId } })) > 0);

  const answer = await requestReset(account.email);
  t.is(answer.status, 200);
  const mail = await smtp.waitFor(account.email);
  t.regex(mail.subject, /Choisissez un nouveau mot de passe/, "in the account's language");
  const { path, token } = resetPath(linkIn(mail.text, "/password/reset?token="));
  t.true(mail.html.includes(token));

  const visitor = app.client();
  const form = await visitor.get(path);
  t.is(form.status, 200);
  t.regex(form.text, /name="token" value="[A-Za-z0-9_-]{43}"/);

  const mismatch = await visitor.post("/password/reset", { ...newPassword(token), passwordConfirm: "other-password-x" });
  t.is(mismatch.status, 422);
  const done = await visitor.post("/password/reset", newPassword(token));
  t.is(done.status, 200);
  t.regex(done.text, /password has been changed/);

  t.is(await Session.count({ where: { userId } }), 0, "every session of the account ended");
  const old = await signedIn.get("/");
  t.is(old.status, 302, "the browser signed in before is signed out");

  t.is((await app.client().post("/login", { login: account.email, password: account.password })).status, 401, "old password refused");
  t.is((await app.client().post("/login", { login: account.email, password: "brand-new-password" })).status, 302);

  t.is((await app.client().get(path)).status, 410, "the link works once");
  const replay = await app.client().post("/password/reset", { ...newPassword(token), password: "third-password-x", passwordConfirm: "third-password-x" });
  t.is(replay.status, 410);
  t.is((await app.client().post("/login", { login: account.email, password: "third-password-x" })).status, 401);
});

test.serial("an unknown e-mail gets the same answer and no mail", async (t) => {
  const { account } = await app.createUser();
  const known = await requestReset(account.email);
  const unknown = await requestReset("nobody@example.test");
  t.is(unknown.status, known.status);
  const strip = (html: string, email: string) => html.replace(/<meta name="csrf-token"[^>]*>/, "").replaceAll(email, "EMAIL");
  t.is(strip(unknown.text, "nobody@example.test"), strip(known.text, account.email));
  await smtp.waitFor(account.email);
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.is(smtp.to("nobody@example.test").length, 0);
});

test.serial("a new request invalidates the earlier link; an expired link is refused", async (t) => {
  const { account, userId } = await app.createUser();
  await requestReset(account.email);
  const first = resetPath(linkIn((await smtp.waitFor(account.email)).text, "token="));
  await requestReset(account.email);
  const second = resetPath(linkIn((await smtp.waitFor(account.email)).text, "token="));
  t.is((await app.client().get(first.path)).status, 410);
  t.is((await app.client().get(second.path)).status, 200);

  await PasswordReset.update({ expiresAt: new Date(Date.now() - 1000) }, { where: { userId } });
  t.is((await app.client().get(second.path)).status, 410);
  t.is((await app.client().post("/password/reset", newPassword(second.token))).status, 410);
  t.is((await app.client().post("/login", { login: account.email, password: "brand-new-password" })).status, 401);
});

test.serial("disabled and directory (LDAP) accounts get no mail, with the same public answer", async (t) => {
  const { account: disabled } = await app.createUser({ status: "disabled" });
  const { account: directory, userId } = await app.createUser();
  await User.update({ authSource: "ldap" }, { where: { id: userId } });
  const first = await requestReset(disabled.email);
  const second = await requestReset(directory.email);
  t.is(first.status, 200);
  t.is(second.status, 200);
  t.regex(second.text, /directory \(LDAP\)/);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.is(smtp.to(disabled.email).length, 0);
  t.is(smtp.to(directory.email).length, 0);
});

test.serial("a malformed or unknown token is a clear 410 page", async (t) => {
  const page = await app.client().get("/password/reset?token=nope");
  t.is(page.status, 410);
  t.regex(page.text, /not valid, has expired or was already used/);
  t.is((await app.client().get(`/password/reset?token=${"A".repeat(43)}`)).status, 410);
});
