import test from "ava";
import { startApp, adminAccount, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { User } from "../../core/models/user.ts";
import { Session } from "../../core/models/session.ts";
import { AuditEntry } from "../../core/models/audit-entry.ts";
import { changeUserStatus } from "../../core/commands/user-status-changer.ts";
import { changeUserRole } from "../../core/commands/role-changer.ts";
import { AdminActionRefusedError } from "../../core/commands/admin-guard.ts";

let app: TestApp;
let admin: Client;
let adminId: number;
test.before(async () => {
  app = await startApp();
  admin = app.client();
  await admin.login(adminAccount.email, adminAccount.password);
  adminId = (await User.findOne({ where: { email: adminAccount.email } }))!.id;
});
test.after.always(() => app?.close());

const decode = (href: string) => href.replace(/&amp;/g, "&");
const listedIds = (html: string) => [...html.matchAll(/<a href="\/admin\/users\/(\d+)">/g)].map((match) => Number(match[1]));
const nextLink = (html: string) => {
  const match = /<a href="([^"]+)" rel="next">/.exec(html);
  return match ? decode(match[1]) : null;
};

test.serial("search finds people by name, e-mail and username, case-insensitively", async (t) => {
  const { userId } = await app.createUser({ displayName: "Zélie Quartermaine", email: "zq-findme@example.test" });
  const other = await app.createUser({ displayName: "Somebody Else" });
  for (const q of ["quarterMAINE", "zq-findme@", "ZQ-FINDME"]) {
    const page = await admin.get(`/admin/users?q=${encodeURIComponent(q)}`);
    t.is(page.status, 200);
    t.deepEqual(listedIds(page.text), [userId], q);
  }
  const wildcard = await admin.get(`/admin/users?q=${encodeURIComponent("%")}`);
  t.false(listedIds(wildcard.text).includes(other.userId), "% is a plain character, not a wildcard");
});

test.serial("status and role filters narrow the list; a bad filter is a 400", async (t) => {
  const pending = await app.createUser({ displayName: "Filter Pending", status: "pending" });
  const guest = await app.createUser({ displayName: "Filter Guest", role: "guest" });
  const pendingIds = listedIds((await admin.get("/admin/users?q=filter&status=pending")).text);
  t.deepEqual(pendingIds, [pending.userId]);
  const guestIds = listedIds((await admin.get("/admin/users?q=filter&role=guest")).text);
  t.deepEqual(guestIds, [guest.userId]);
  t.is((await admin.get("/admin/users?status=sleeping")).status, 400);
  t.is((await admin.get("/admin/users?after=garbage")).status, 400);
});

test.serial("pages walk every matching account once, in name order, with a next-page link", async (t) => {
  const created: number[] = [];
  // Ten share one name, so the id breaks ties inside the keyset.
  for (let index = 0; index < 30; index++) {
    const name = index < 10 ? "Walker Same" : `Walker ${String(index).padStart(2, "0")}`;
    created.push((await app.createUser({ displayName: name })).userId);
  }
  const seen: number[] = [];
  let url: string | null = "/admin/users?q=walker";
  let pages = 0;
  while (url) {
    const page = await admin.get(url);
    t.is(page.status, 200);
    seen.push(...listedIds(page.text));
    url = nextLink(page.text);
    pages += 1;
    if (pages > 5) break;
  }
  t.is(pages, 2);
  t.is(seen.length, 30);
  t.is(new Set(seen).size, 30, "no duplicates across pages");
  t.deepEqual([...seen].sort((a, b) => a - b), [...created].sort((a, b) => a - b));
  const names = await User.findAll({ where: { id: seen }, attributes: ["id", "displayName"] });
  const nameOf = new Map(names.map((user) => [user.id, user.displayName]));
  const ordered = [...seen].sort((a, b) => nameOf.get(a)!.localeCompare(nameOf.get(b)!, "en") || a - b);
  t.deepEqual(seen.filter((id) => nameOf.get(id) === "Walker Same"), ordered.filter((id) => nameOf.get(id) === "Walker Same"));
});

test.serial("the list shows role, status and dates", async (t) => {
  await app.createUser({ displayName: "Dated Person", role: "guest" });
  const page = await admin.get("/admin/users?q=dated+person");
  t.regex(page.text, /Guest/);
  t.regex(page.text, /Active/);
  t.regex(page.text, /Never/);
  t.regex(page.text, /\b20\d\d\b|\d{1,2}\/\d{1,2}\/\d{2}/, "creation date shown");
  t.regex(page.text, /href="\/admin\/invitations"/);
});

test.serial("approving a pending account lets it log in, once", async (t) => {
  const { account, userId } = await app.createUser({ status: "pending" });
  const person = app.client();
  await person.get("/login");
  t.is((await person.post("/login", { login: account.email, password: account.password })).status, 403);
  const approved = await admin.post(`/admin/users/${userId}/approve`, { back: "/admin/users?status=pending" });
  t.is(approved.status, 302);
  t.is(approved.location, "/admin/users?status=pending");
  t.is((await User.findByPk(userId))!.status, "active");
  t.is((await person.post("/login", { login: account.email, password: account.password })).status, 302);
  t.is(await AuditEntry.count({ where: { action: "user.approved", subjectId: String(userId), actorId: adminId } }), 1);
  const again = await admin.post(`/admin/users/${userId}/approve`);
  t.is(again.status, 409);
  t.regex(again.text, /Only an account awaiting approval/);
});

test.serial("disabling ends the person's sessions and blocks login; re-enabling lets them back", async (t) => {
  const { client: person, account, userId } = await app.signedIn("member");
  t.is((await person.get("/")).status, 200);
  const disabled = await admin.post(`/admin/users/${userId}/disable`);
  t.is(disabled.status, 302);
  t.is(disabled.location, `/admin/users/${userId}`);
  t.is(await Session.count({ where: { userId } }), 0, "every session of the user is gone");
  const next = await person.get("/");
  t.is(next.status, 302);
  t.regex(next.location, /^\/login/);
  const login = await app.client().post("/login", { login: account.email, password: account.password });
  t.is(login.status, 403);
  t.is(await AuditEntry.count({ where: { action: "user.disabled", subjectId: String(userId) } }), 1);

  const enabled = await admin.post(`/admin/users/${userId}/enable`);
  t.is(enabled.status, 302);
  t.is((await app.client().post("/login", { login: account.email, password: account.password })).status, 302);
});

test.serial("changing a role takes effect on the person's next request", async (t) => {
  const { client: person, userId } = await app.signedIn("member");
  t.is((await person.get("/admin")).status, 403);
  t.is((await admin.post(`/admin/users/${userId}/role`, { role: "admin" })).status, 302);
  t.is((await person.get("/admin")).status, 200);
  t.is((await admin.post(`/admin/users/${userId}/role`, { role: "guest" })).status, 302);
  t.is((await User.findByPk(userId))!.role, "guest");
  t.is((await person.get("/admin")).status, 403);
  t.is((await admin.post(`/admin/users/${userId}/role`, { role: "owner" })).status, 400);
  t.is((await User.findByPk(userId))!.role, "guest");
  t.is(await AuditEntry.count({ where: { action: "user.role_changed", subjectId: String(userId) } }), 2);
  t.is((await admin.post("/admin/users/999999/role", { role: "member" })).status, 404);
});

test.serial("an admin can neither disable nor demote themselves", async (t) => {
  const disable = await admin.post(`/admin/users/${adminId}/disable`);
  t.is(disable.status, 409);
  t.regex(disable.text, /cannot disable your own account/);
  const demote = await admin.post(`/admin/users/${adminId}/role`, { role: "member" });
  t.is(demote.status, 409);
  const me = (await User.findByPk(adminId))!;
  t.is(me.role, "admin");
  t.is(me.status, "active");
  t.is((await admin.get("/admin")).status, 200, "still signed in");
});

test.serial("the last active admin can never be disabled or demoted", async (t) => {
  const { userId: secondId } = await app.createUser({ role: "admin" });
  // Another admin may go, as long as one stays.
  await changeUserRole(app.app, null, secondId, "member");
  const otherAdmins = await User.findAll({ where: { role: "admin", status: "active" } });
  for (const other of otherAdmins.filter((user) => user.id !== adminId)) await changeUserRole(app.app, null, other.id, "member");
  const refusedDisable = await t.throwsAsync(changeUserStatus(app.app, null, adminId, "disable"), { instanceOf: AdminActionRefusedError });
  t.is(refusedDisable?.messageKey, "admin:users.errors.lastAdmin");
  const refusedDemote = await t.throwsAsync(changeUserRole(app.app, null, adminId, "guest"), { instanceOf: AdminActionRefusedError });
  t.is(refusedDemote?.messageKey, "admin:users.errors.lastAdmin");
  const me = (await User.findByPk(adminId))!;
  t.is(me.role, "admin");
  t.is(me.status, "active");
});

test.serial("the overview counts accounts and links to pending approvals", async (t) => {
  await app.createUser({ status: "pending" });
  const pending = await User.count({ where: { status: "pending" } });
  const page = await admin.get("/admin");
  t.is(page.status, 200);
  t.regex(page.text, new RegExp(`${pending} accounts? (is|are) waiting`));
  t.regex(page.text, /href="\/admin\/users\?status=pending"/);
  t.regex(page.text, new RegExp(`${await User.count()} accounts in total`));
});
