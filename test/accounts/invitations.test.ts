import test from "ava";
import { startApp, adminAccount, type TestApp } from "../helpers/app.ts";
import { startSmtp, linkIn, type TestSmtp } from "../helpers/smtp.ts";
import type { Client } from "../helpers/client.ts";
import { Invitation } from "../../core/models/invitation.ts";
import { User } from "../../core/models/user.ts";

let app: TestApp;
let smtp: TestSmtp;
let admin: Client;
test.before(async () => {
  smtp = await startSmtp();
  app = await startApp({ AGORA_SMTP_URL: smtp.url, AGORA_BASE_URL: "http://agora.example.test" });
  admin = app.client();
  await admin.login(adminAccount.email, adminAccount.password);
});
test.after.always(async () => {
  await app?.close();
  await smtp?.close();
});

const newcomer = (token: string) => ({ invite: token, displayName: "Ivy Invited", password: "a-long-password", passwordConfirm: "a-long-password", language: "fr" });
const tokenOf = (link: string) => new URL(link).searchParams.get("invite")!;

test.serial("an admin invites by e-mail; the link creates an active account with the role, once", async (t) => {
  await app.app.settings.set({ registrationMode: "closed" });
  const sent = await admin.post("/admin/invitations", { emails: "ivy@example.test", role: "guest" });
  t.is(sent.status, 200);
  t.regex(sent.text, /1 invitation sent/);

  const mail = await smtp.waitFor("ivy@example.test");
  t.regex(mail.subject, /Ada Admin invites you/);
  const link = linkIn(mail.text, "/register?invite=");
  t.true(link.startsWith("http://agora.example.test/register?invite="));
  t.true(mail.html.includes(link), "the HTML part carries the same link");
  const token = tokenOf(link);
  const stored = await Invitation.findOne({ where: { email: "ivy@example.test" } });
  t.truthy(stored);
  t.not(stored!.tokenHash, token, "only the hash is stored");
  t.is(stored!.tokenHash.length, 64);

  const visitor = app.client();
  const form = await visitor.get(`/register?invite=${token}`);
  t.is(form.status, 200);
  t.regex(form.text, /value="ivy@example.test" readonly/);

  // The e-mail cannot be swapped: the posted one is ignored.
  const joined = await visitor.post("/register", { ...newcomer(token), email: "mallory@example.test" });
  t.is(joined.status, 302);
  t.is((await visitor.get("/")).status, 200, "signed in");
  const user = await User.findOne({ where: { email: "ivy@example.test" } });
  t.is(user?.role, "guest");
  t.is(user?.status, "active");
  t.is(user?.language, "fr");
  t.is(await User.count({ where: { email: "mallory@example.test" } }), 0);
  t.truthy((await stored!.reload()).acceptedAt);

  const again = app.client();
  const reused = await again.get(`/register?invite=${token}`);
  t.is(reused.status, 410);
  t.regex(reused.text, /already been used/);
  const repost = await again.post("/register", newcomer(token));
  t.is(repost.status, 410);
  t.is(await User.count({ where: { email: "ivy@example.test" } }), 1);
});

test.serial("an expired invitation is refused", async (t) => {
  await admin.post("/admin/invitations", { emails: "late@example.test", role: "member" });
  const token = tokenOf(linkIn((await smtp.waitFor("late@example.test")).text, "/register?invite="));
  await Invitation.update({ expiresAt: new Date(Date.now() - 1000) }, { where: { email: "late@example.test" } });
  const visitor = app.client();
  const page = await visitor.get(`/register?invite=${token}`);
  t.is(page.status, 410);
  t.regex(page.text, /expired/);
  t.is((await visitor.post("/register", newcomer(token))).status, 410);
  t.is(await User.count({ where: { email: "late@example.test" } }), 0);
});

test.serial("several addresses at once; re-inviting replaces the old link; existing accounts are refused", async (t) => {
  await admin.post("/admin/invitations", { emails: "a1@example.test, a2@example.test\nA1@example.test", role: "member" });
  const first = tokenOf(linkIn((await smtp.waitFor("a1@example.test")).text, "invite="));
  await smtp.waitFor("a2@example.test");
  t.is(await Invitation.count({ where: { email: "a1@example.test" } }), 1, "duplicates in one request are merged");

  await admin.post("/admin/invitations", { emails: "a1@example.test", role: "member" });
  const second = tokenOf(linkIn((await smtp.waitFor("a1@example.test")).text, "invite="));
  t.not(first, second);
  t.is((await app.client().get(`/register?invite=${first}`)).status, 404, "the replaced link no longer works");
  t.is((await app.client().get(`/register?invite=${second}`)).status, 200);

  const taken = await admin.post("/admin/invitations", { emails: `new@example.test, ${adminAccount.email}`, role: "member" });
  t.is(taken.status, 422);
  t.regex(taken.text, /already have an account/);
  t.regex(taken.text, new RegExp(adminAccount.email));
  t.is(await Invitation.count({ where: { email: "new@example.test" } }), 0, "nobody of the batch is invited");

  const invalid = await admin.post("/admin/invitations", { emails: "not-an-address", role: "member" });
  t.is(invalid.status, 422);
  const tooMany = await admin.post("/admin/invitations", { emails: Array.from({ length: 51 }, (_, i) => `bulk${i}@example.test`).join(","), role: "member" });
  t.is(tooMany.status, 422);
  t.is(await Invitation.count({ where: { email: "bulk0@example.test" } }), 0);
});

test.serial("the admin list shows invitations and a pending one can be revoked", async (t) => {
  const list = await admin.get("/admin/invitations");
  t.is(list.status, 200);
  t.regex(list.text, /a2@example.test/);
  t.regex(list.text, /Accepted/);
  const pending = await Invitation.findOne({ where: { email: "a2@example.test" } });
  const revoked = await admin.post(`/admin/invitations/${pending!.id}/revoke`);
  t.is(revoked.status, 302);
  t.is(await Invitation.count({ where: { email: "a2@example.test" } }), 0);
});

test.serial("members invite colleagues from /invite only in invite mode; guests cannot", async (t) => {
  const { client: member } = await app.signedIn("member");
  await app.app.settings.set({ registrationMode: "open" });
  t.is((await member.get("/invite")).status, 403);
  await app.app.settings.set({ registrationMode: "invite" });
  const page = await member.get("/invite");
  t.is(page.status, 200);
  const sent = await member.post("/invite", { emails: "colleague@example.test", role: "admin" });
  t.is(sent.status, 200);
  const token = tokenOf(linkIn((await smtp.waitFor("colleague@example.test")).text, "invite="));
  t.is((await Invitation.findOne({ where: { email: "colleague@example.test" } }))?.role, "member", "members can only invite members");
  const visitor = app.client();
  t.is((await visitor.post("/register", newcomer(token))).status, 302);

  const { client: guest } = await app.signedIn("guest");
  t.is((await guest.get("/invite")).status, 403);
  t.is((await guest.post("/invite", { emails: "friend@example.test" })).status, 403);
  t.is(await Invitation.count({ where: { email: "friend@example.test" } }), 0);
  t.is((await app.client().get("/invite")).status, 302, "anonymous visitors are sent to sign in");
});

test.serial("when the mail cannot be sent the invitation is kept and the admin gets the link", async (t) => {
  const mailer = app.app.mailer;
  const send = mailer.send;
  mailer.send = async () => {
    throw new Error("SMTP down");
  };
  try {
    const response = await admin.post("/admin/invitations", { emails: "offline@example.test", role: "member" });
    t.is(response.status, 200);
    t.regex(response.text, /could not be sent/);
    const link = /(http:\/\/agora\.example\.test\/register\?invite=[A-Za-z0-9_-]+)/.exec(response.text)?.[1];
    t.truthy(link);
    t.is((await app.client().get(new URL(link!).pathname + new URL(link!).search)).status, 200);
  } finally {
    mailer.send = send;
  }
});

test.serial("only admins reach /admin/invitations", async (t) => {
  const { client: member } = await app.signedIn("member");
  t.is((await member.get("/admin/invitations")).status, 403);
  t.is((await member.post("/admin/invitations", { emails: "x@example.test", role: "admin" })).status, 403);
  t.is(await Invitation.count({ where: { email: "x@example.test" } }), 0);
});
