import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { Invitation } from "../../core/models/invitation.ts";
import { PasswordReset } from "../../core/models/password-reset.ts";
import { User } from "../../core/models/user.ts";
import { newSecretToken } from "../../core/commands/secret-token.ts";

// "Only one may": a single-use link or a unique account field, hit by several requests at once, has one effect.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const statuses = (responses: { status: number }[]) => responses.map((response) => response.status).sort().join();
const hour = 3600_000;

test.serial("an invitation link submitted three times at once creates one account", async (t) => {
  const { token, hash } = newSecretToken();
  const admin = (await User.findOne({ where: { role: "admin" } }))!;
  await Invitation.create({ email: "once@example.test", tokenHash: hash, role: "member", invitedById: admin.id, expiresAt: new Date(Date.now() + hour), acceptedAt: null });
  const form = { invite: token, password: "a-long-password", passwordConfirm: "a-long-password", language: "en" };
  const responses = await Promise.all(["Tab One", "Tab Two", "Tab Three"].map((displayName) => app.client().post("/register", { ...form, displayName })));
  t.is(responses.filter((response) => response.status === 302).length, 1, `one account: ${statuses(responses)}`);
  t.true(responses.every((response) => [302, 410, 422].includes(response.status)), `the others are told: ${statuses(responses)}`);
  t.is(await User.count({ where: { email: "once@example.test" } }), 1);
});

test.serial("a password reset link used three times at once resets once", async (t) => {
  const { userId, account } = await app.createUser();
  const { token, hash } = newSecretToken();
  await PasswordReset.create({ userId, tokenHash: hash, expiresAt: new Date(Date.now() + hour), usedAt: null });
  const passwords = ["first-new-password", "second-new-password", "third-new-password"];
  const responses = await Promise.all(passwords.map((password) => app.client().post("/password/reset", { token, password, passwordConfirm: password })));
  t.is(statuses(responses), "200,410,410", "one reset; the others are told the link is spent");
  const winner = passwords[responses.findIndex((response) => response.status === 200)];
  const signIn = await app.client().post("/login", { login: account.email, password: winner });
  t.is(signIn.status, 302, "the password set is the one whose request went through");
});

test.serial("eight 'forgot password' requests at once leave one live link, and using a link spends every other", async (t) => {
  const { userId, account } = await app.createUser();
  const responses = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(() => app.client().post("/password/forgot", { email: account.email })));
  t.true(responses.every((response) => response.status === 200));
  t.is(await PasswordReset.count({ where: { userId, usedAt: null } }), 1, "each request replaced the one before");

  const older = newSecretToken();
  const newer = newSecretToken();
  await PasswordReset.bulkCreate([older, newer].map(({ hash }) => ({ userId, tokenHash: hash, expiresAt: new Date(Date.now() + hour), usedAt: null })));
  t.is((await app.client().post("/password/reset", { token: newer.token, password: "a-fresh-password", passwordConfirm: "a-fresh-password" })).status, 200);
  t.is((await app.client().post("/password/reset", { token: older.token, password: "another-password", passwordConfirm: "another-password" })).status, 410, "an older link no longer works");
  t.is(await PasswordReset.count({ where: { userId, usedAt: null } }), 0);
});

test.serial("three sign-ups with one address at once make one account; the others get the form back", async (t) => {
  await app.app.settings.set({ registrationMode: "open" });
  const person = (displayName: string) => ({ displayName, email: "same@example.test", password: "a-long-password", passwordConfirm: "a-long-password", language: "en" });
  const responses = await Promise.all(["Sam One", "Sam Two", "Sam Three"].map((name) => app.client().post("/register", person(name))));
  t.is(responses.filter((response) => response.status === 302).length, 1, `one account: ${statuses(responses)}`);
  for (const response of responses.filter((response) => response.status !== 302)) {
    t.is(response.status, 422, "not a 500");
    t.regex(response.text, /already/i);
  }
  t.is(await User.count({ where: { email: "same@example.test" } }), 1);
});

test.serial("sign-ups whose addresses give the same username at once each get a free one", async (t) => {
  await app.app.settings.set({ registrationMode: "open" });
  const emails = ["twin@one.example", "twin@two.example", "twin@three.example"];
  const responses = await Promise.all(emails.map((email) => app.client().post("/register", { displayName: "Twin", email, password: "a-long-password", passwordConfirm: "a-long-password", language: "en" })));
  t.is(statuses(responses), "302,302,302");
  const usernames = (await User.findAll({ where: { email: emails } })).map((user) => user.username).sort();
  t.deepEqual(usernames, ["twin", "twin2", "twin3"]);
});

test.serial("an invitation revoked three times at once is revoked, and recorded, once", async (t) => {
  const { AuditEntry } = await import("../../core/models/audit-entry.ts");
  const { hash } = newSecretToken();
  const adminUser = (await User.findOne({ where: { role: "admin" } }))!;
  const invitation = await Invitation.create({ email: "revoked@example.test", tokenHash: hash, role: "member", invitedById: adminUser.id, expiresAt: new Date(Date.now() + hour), acceptedAt: null });
  const admins = [(await app.signedIn("admin")).client, (await app.signedIn("admin")).client, (await app.signedIn("admin")).client];
  const responses = await Promise.all(admins.map((client) => client.post(`/admin/invitations/${invitation.id}/revoke`)));
  t.is(statuses(responses), "302,302,302");
  t.is(await Invitation.count({ where: { id: invitation.id } }), 0);
  t.is(await AuditEntry.count({ where: { action: "invitation.revoked", subjectId: String(invitation.id) } }), 1, "one revocation recorded");
});

test.serial("revoking an invitation that was just accepted keeps it as history", async (t) => {
  const { token, hash } = newSecretToken();
  const adminUser = (await User.findOne({ where: { role: "admin" } }))!;
  const invitation = await Invitation.create({ email: "accepted@example.test", tokenHash: hash, role: "member", invitedById: adminUser.id, expiresAt: new Date(Date.now() + hour), acceptedAt: null });
  const admin = (await app.signedIn("admin")).client;
  await admin.get("/admin/invitations");
  const [joined, revoked] = await Promise.all([
    app.client().post("/register", { invite: token, displayName: "Quick Joiner", password: "a-long-password", passwordConfirm: "a-long-password", language: "en" }),
    admin.post(`/admin/invitations/${invitation.id}/revoke`),
  ]);
  t.is(revoked.status, 302);
  if (joined.status === 302) t.truthy((await Invitation.findByPk(invitation.id))?.acceptedAt, "an accepted invitation stays, marked accepted");
  else t.is(await Invitation.count({ where: { id: invitation.id } }), 0, "revoked first: the link no longer works");
  t.is(await User.count({ where: { email: "accepted@example.test" } }), joined.status === 302 ? 1 : 0);
});
