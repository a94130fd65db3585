import test from "ava";
import { startApp, adminAccount, type TestApp } from "../helpers/app.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import { fixtureRooms, report } from "./helpers.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

/** The rows of the audit table, as text, one per entry. */
const rowsOf = (page: string) => [...page.matchAll(/<tr>\s*<td><time[\s\S]*?<\/tr>/g)].map((match) => match[0]);

test.serial("moderation actions appear in /admin/audit with actor, action, a link to the subject and details", async (t) => {
  const moderator = await app.signedIn("admin");
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Audited post" });
  await report(reader.client, id);
  t.is((await moderator.client.post(`/c/${id}/hide`)).status, 302);
  t.is((await moderator.client.post(`/c/${id}/unhide`)).status, 302);

  const admin = app.client();
  await admin.login(adminAccount.email, adminAccount.password);
  const page = await admin.get("/admin/audit");
  t.is(page.status, 200);
  const rows = rowsOf(page.text);
  const hidden = rows.find((row) => row.includes("content.hidden"))!;
  t.truthy(hidden);
  t.true(hidden.includes(moderator.account.displayName));
  t.true(hidden.includes(`href="/c/${id}"`));
  t.regex(hidden, /<dt>reports<\/dt><dd>1<\/dd>/);
  t.regex(hidden, new RegExp(`<dt>authorId</dt><dd>${author.userId}</dd>`));
  t.true(rows.findIndex((row) => row.includes("content.unhidden")) < rows.findIndex((row) => row.includes("content.hidden")), "newest first");
  t.false(rows.some((row) => row.includes(reader.account.displayName)), "reporting is not an audited action: reporters stay unnamed");
});

test.serial("the audit log filters by action prefix and by actor, and pages by keyset", async (t) => {
  const { AuditEntry } = await import("../../core/models/audit-entry.ts");
  const admin = await app.signedIn("admin");
  const actor = await app.signedIn("admin");
  const name = await usernameOf(actor.userId);
  await AuditEntry.bulkCreate(Array.from({ length: 60 }, (_, index) => ({ actorId: actor.userId, action: index % 2 ? "content.hidden" : "user_x.role_changed", subjectType: "user", subjectId: String(index) })));

  const byPrefix = await admin.client.get("/admin/audit?action=content.");
  t.true(rowsOf(byPrefix.text).length > 0);
  t.true(rowsOf(byPrefix.text).every((row) => row.includes("content.")));
  // "_" is a LIKE wildcard: typed in a prefix, it must match itself only.
  await AuditEntry.create({ actorId: actor.userId, action: "userzx.other", subjectType: null, subjectId: null });
  const underscored = rowsOf((await admin.client.get("/admin/audit?action=user_x.")).text);
  t.true(underscored.length > 0);
  t.deepEqual(underscored.filter((row) => !row.includes("user_x.")), []);
  t.is(rowsOf((await admin.client.get("/admin/audit?action=userzx")).text).length, 1);

  const first = await admin.client.get(`/admin/audit?actor=${name}`);
  const firstRows = rowsOf(first.text);
  t.is(firstRows.length, 50, "a full first page");
  t.true(firstRows.every((row) => row.includes(actor.account.displayName)));
  const next = /href="([^"]+)" rel="next"/.exec(first.text);
  t.truthy(next);
  const second = await admin.client.get(next![1].replace(/&amp;/g, "&"));
  t.is(rowsOf(second.text).length, 11, "the rest: 61 entries by this actor in all");
  t.false(/rel="next"/.test(second.text));
  t.true(second.text.includes(`href="/admin/audit?actor=${name}"`), "a link back to the newest entries keeps the filter");

  const unknown = await admin.client.get("/admin/audit?actor=nobody-here");
  t.is(unknown.status, 200);
  t.true(unknown.text.includes("Nobody has the username"));
  t.is((await admin.client.get("/admin/audit?action=%25")).status, 400);
  t.is((await admin.client.get("/admin/audit?before=abc")).status, 400);
});

test.serial("only instance admins open the audit log; room moderators and members get 403", async (t) => {
  const { alpha } = await fixtureRooms(app);
  const moderator = await app.signedIn("member");
  alpha.members.set(moderator.userId, "moderator");
  const member = await app.signedIn("member");
  const guest = await app.signedIn("guest");
  for (const person of [moderator, member, guest]) {
    const response = await person.client.get("/admin/audit");
    t.is(response.status, 403);
    t.false(response.text.includes("content.hidden"));
  }
  t.is((await app.client().get("/admin/audit")).status, 302, "anonymous visitors are sent to log in");
});

test.serial("hostile audit details render inert", async (t) => {
  const { AuditEntry } = await import("../../core/models/audit-entry.ts");
  const admin = await app.signedIn("admin");
  await AuditEntry.create({ actorId: null, action: "test.xss", subjectType: "<script>", subjectId: "<img src=x onerror=alert(1)>", details: JSON.stringify({ "<b>key</b>": "<script>alert(1)</script>" }) });
  const page = await admin.client.get("/admin/audit?action=test.");
  const table = page.text.slice(page.text.indexOf("<table"), page.text.indexOf("</table>"));
  t.true(table.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  t.deepEqual((table.match(/<[a-z][^>]*>/gi) ?? []).filter((tag) => /^<(script|img|b>)|\son\w+=/i.test(tag)), []);
  t.true(table.includes("System"), "an entry without actor says who: the system");
});
