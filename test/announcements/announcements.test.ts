import test from "ava";
import { Op } from "sequelize";
import { startApp, type TestApp } from "../helpers/app.ts";
import { statementsOf } from "../helpers/queries.ts";
import { publish } from "../helpers/content.ts";
import type { Client } from "../helpers/client.ts";
import type { ActionHooks } from "../../core/modules/types.ts";
import { announcementMarker, announcementOf, dayFromNow, policyFor } from "./helpers.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

async function announced(admin: { client: Client }, contentId: number, fields: Record<string, string> = {}) {
  const response = await admin.client.post(`/c/${contentId}/announce`, fields);
  if (response.status !== 302) throw new Error(`announce refused: ${response.status}`);
  return (await announcementOf(contentId))!;
}

test.serial("a company announcement tops every reader's dashboard until that reader dismisses it", async (t) => {
  const { AuditEntry } = await import("../../core/models/audit-entry.ts");
  const author = await app.signedIn("member");
  const admin = await app.signedIn("admin");
  const first = await app.signedIn("member");
  const second = await app.signedIn("member");
  const guest = await app.signedIn("guest");
  const id = await publish(author.client, { target: "company:0", title: "Office move", body: "We move on **Monday**." });
  // Modules hear about each publication (hooks of an enabled module run; fixture-rooms is one).
  await app.app.registry.enable("fixture-rooms");
  const heard: number[] = [];
  app.app.registry.hooks.on("fixture-rooms", "announcement.published", ({ content }: ActionHooks["announcement.published"]) => {
    if (content.id === id) heard.push(content.id);
  });

  t.is((await author.client.post(`/c/${id}/announce`, {})).status, 403, "the author is no manager of the company stream");
  t.is(await announcementOf(id), null);
  t.is((await admin.client.get(`/c/${id}/announce`)).status, 200);
  const announcement = await announced(admin, id);
  t.false(announcement.requiresAck);
  t.is(await AuditEntry.count({ where: { action: "announcement.published", subjectId: String(announcement.id) } }), 1);
  t.deepEqual(heard, [id]);

  for (const reader of [first, second, author]) {
    const page = (await reader.client.get("/")).text;
    t.regex(page, announcementMarker(announcement.id));
    const top = page.slice(page.indexOf('class="announcements"'), page.indexOf("dashboard-title"));
    t.true(top.includes("Office move") && top.includes("<strong>Monday</strong>"), "the entry is rendered above the stream");
  }
  t.notRegex((await guest.client.get("/")).text, announcementMarker(announcement.id));

  const dismissed = await first.client.post(`/announcements/${announcement.id}/dismiss`, { returnTo: "/" });
  t.is(dismissed.status, 302);
  t.is(dismissed.location, "/");
  t.notRegex((await first.client.get("/")).text, announcementMarker(announcement.id));
  t.regex((await second.client.get("/")).text, announcementMarker(announcement.id));
  t.is((await guest.client.post(`/announcements/${announcement.id}/dismiss`)).status, 404);

  // Stopping it removes it for everyone; announcing again brings it back for those who had not dismissed it.
  t.is((await second.client.post(`/announcements/${announcement.id}/end`)).status, 403);
  t.is((await admin.client.post(`/announcements/${announcement.id}/end`)).status, 302);
  t.notRegex((await second.client.get("/")).text, announcementMarker(announcement.id));
  t.is(await AuditEntry.count({ where: { action: "announcement.ended", subjectId: String(announcement.id) } }), 1);
  await announced(admin, id);
  t.regex((await second.client.get("/")).text, announcementMarker(announcement.id));
  await announced(admin, id, { expiresOn: dayFromNow(5) });
  t.deepEqual(heard, [id, id], "published again after it ended; changing a running one's options is no new publication");
  t.notRegex((await first.client.get("/")).text, announcementMarker(announcement.id));
});

test.serial("an announcement that asks for acknowledgement cannot be dismissed; the read receipts count who acknowledged", async (t) => {
  const { User } = await import("../../core/models/user.ts");
  const author = await app.signedIn("member");
  const admin = await app.signedIn("admin");
  const reader = await app.signedIn("member", { displayName: "Rita Reader" });
  const colleague = await app.signedIn("member");
  const guest = await app.signedIn("guest");
  const id = await publish(author.client, { target: "company:0", body: "New safety rules: read them." });
  const announcement = await announced(admin, id, { requiresAck: "1", expiresOn: dayFromNow(10) });
  t.true(announcement.requiresAck);
  t.truthy(announcement.expiresAt);

  const page = (await reader.client.get("/")).text;
  t.true(page.includes(`action="/announcements/${announcement.id}/acknowledge"`));
  t.false(page.includes(`action="/announcements/${announcement.id}/dismiss"`));
  const refused = await reader.client.post(`/announcements/${announcement.id}/dismiss`);
  t.is(refused.status, 409);
  t.regex((await reader.client.get("/")).text, announcementMarker(announcement.id));

  t.is((await reader.client.post(`/announcements/${announcement.id}/acknowledge`)).status, 302);
  t.notRegex((await reader.client.get("/")).text, announcementMarker(announcement.id));
  t.regex((await colleague.client.get("/")).text, announcementMarker(announcement.id));

  // Its author and the admin who announced it are not asked: they are not in the audience.
  const audience = (await User.count({ where: { status: "active", role: { [Op.ne]: "guest" } } })) - 2;
  for (const viewer of [author, admin]) {
    const receipts = await viewer.client.get(`/announcements/${announcement.id}/readers`);
    t.is(receipts.status, 200);
    t.true(receipts.text.includes(`1 of ${audience} people have confirmed reading it.`));
  }
  t.true((await admin.client.get(`/announcements/${announcement.id}/readers?filter=read`)).text.includes("Rita Reader"));
  t.false((await admin.client.get(`/announcements/${announcement.id}/readers?filter=unread`)).text.includes("Rita Reader"));
  t.is((await colleague.client.get(`/announcements/${announcement.id}/readers`)).status, 404);
  t.is((await guest.client.get(`/announcements/${announcement.id}/readers`)).status, 404);
  t.is((await admin.client.get(`/announcements/${announcement.id}/readers?filter=bogus`)).status, 400);
});

test.serial("the read-receipt list pages by name with a keyset cursor", async (t) => {
  const { readersPageSize } = await import("../../core/content/announcements/readers.ts");
  const admin = await app.signedIn("admin");
  const id = await publish(admin.client, { target: "company:0", body: "Everyone, read this." });
  const announcement = await announced(admin, id);
  for (let index = 0; index < readersPageSize; index += 1) await app.createUser({ displayName: `Zz Paged ${String(index).padStart(2, "0")}` });
  const first = await admin.client.get(`/announcements/${announcement.id}/readers`);
  const next = /href="([^"]+)" rel="next"/.exec(first.text)?.[1]?.replaceAll("&amp;", "&");
  t.truthy(next);
  const second = await admin.client.get(next!);
  t.is(second.status, 200);
  const names = (text: string) => [...text.matchAll(/>(Zz Paged \d\d)</g)].map((match) => match[1]);
  const seen = [...names(first.text), ...names(second.text)];
  t.is(seen.length, readersPageSize, "every paged person once, none twice");
  t.is(new Set(seen).size, readersPageSize);
  t.is((await admin.client.get(`/announcements/${announcement.id}/readers?after=forged`)).status, 400);
});

test.serial("an expired announcement, or one whose content is deleted, is shown to nobody", async (t) => {
  const { Announcement } = await import("../../core/models/announcement.ts");
  const admin = await app.signedIn("admin");
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const expiring = await announced(admin, await publish(admin.client, { target: "company:0", body: "Short-lived news" }), { expiresOn: dayFromNow(1) });
  t.regex((await reader.client.get("/")).text, announcementMarker(expiring.id));
  await Announcement.update({ expiresAt: new Date(Date.now() - 60_000) }, { where: { id: expiring.id } });
  t.notRegex((await reader.client.get("/")).text, announcementMarker(expiring.id));

  const id = await publish(author.client, { target: "company:0", body: "Soon deleted news" });
  const deleted = await announced(admin, id);
  t.regex((await reader.client.get("/")).text, announcementMarker(deleted.id));
  t.is((await author.client.post(`/c/${id}/delete`)).status, 302);
  // Not even for the author or an admin, who may still open the deleted content itself.
  for (const viewer of [reader, author, admin]) t.notRegex((await viewer.client.get("/")).text, announcementMarker(deleted.id));
  t.is((await reader.client.post(`/announcements/${deleted.id}/acknowledge`)).status, 404);
  t.is((await admin.client.post(`/c/${id}/announce`, {})).status, 409);
});

test.serial("a private room's announcement never reaches a non-member", async (t) => {
  const { rooms } = await import("../fixtures/modules/fixture-rooms/rooms.ts");
  const { announcementsIn } = await import("../../core/content/announcements/running.ts");
  await app.app.registry.enable("fixture-rooms");
  const roomAdmin = await app.signedIn("member");
  const member = await app.signedIn("member");
  const peer = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const secret = rooms.find((room) => room.slug === "secret")!;
  secret.members.set(roomAdmin.userId, "admin");
  secret.members.set(member.userId, "member");
  secret.members.set(peer.userId, "member");
  const id = await publish(member.client, { target: `fixture-room:${secret.id}`, body: "Secret reorganisation" });
  t.is((await member.client.post(`/c/${id}/announce`, {})).status, 403);
  const announcement = await announced(roomAdmin, id, { requiresAck: "1" });

  const forAuthor = await announcementsIn(app.app.registry, await policyFor(app, member.userId), `fixture-room:${secret.id}`);
  t.deepEqual(forAuthor.map((view) => view.entry.content.id), [id]);
  t.true(forAuthor[0].canSeeReaders, "the author sees who has read it");
  const forPeer = await announcementsIn(app.app.registry, await policyFor(app, peer.userId), `fixture-room:${secret.id}`);
  t.deepEqual(forPeer.map((view) => view.entry.content.id), [id]);
  t.false(forPeer[0].canSeeReaders);
  t.deepEqual(await announcementsIn(app.app.registry, await policyFor(app, outsider.userId), `fixture-room:${secret.id}`), []);

  const dashboard = (await outsider.client.get("/")).text;
  t.notRegex(dashboard, announcementMarker(announcement.id));
  t.false(dashboard.includes("Secret reorganisation"));
  for (const action of ["dismiss", "acknowledge", "end"]) t.is((await outsider.client.post(`/announcements/${announcement.id}/${action}`)).status, 404, action);
  t.is((await outsider.client.get(`/announcements/${announcement.id}/readers`)).status, 404);
  t.is((await peer.client.get(`/announcements/${announcement.id}/readers`)).status, 404);

  t.is((await peer.client.post(`/announcements/${announcement.id}/acknowledge`)).status, 302);
  const receipts = await roomAdmin.client.get(`/announcements/${announcement.id}/readers`);
  t.is(receipts.status, 200);
  t.true(receipts.text.includes("1 person has confirmed reading it."), "the fixture type lists no members: only those who answered");
});

test.serial("a bad expiry date is refused with 422 and changes nothing", async (t) => {
  const admin = await app.signedIn("admin");
  const id = await publish(admin.client, { target: "company:0", body: "Options under test" });
  const badForms: Record<string, string>[] = [{ expiresOn: "2020-01-01" }, { expiresOn: "2026-02-30" }, { expiresOn: "next week" }, { expiresOn: dayFromNow(-1) }, { requiresAck: "yes" }];
  for (const fields of badForms) {
    const response = await admin.client.post(`/c/${id}/announce`, fields);
    t.is(response.status, 422, JSON.stringify(fields));
    t.true(response.text.includes('class="error"'));
  }
  t.is(await announcementOf(id), null);

  const announcement = await announced(admin, id, { expiresOn: dayFromNow(3) });
  const refused = await admin.client.post(`/c/${id}/announce`, { requiresAck: "1", expiresOn: "2020-01-01" });
  t.is(refused.status, 422);
  t.true(refused.text.includes("The expiry date has already passed."));
  const unchanged = (await announcementOf(id))!;
  t.false(unchanged.requiresAck);
  t.is(unchanged.expiresAt?.getTime(), announcement.expiresAt?.getTime());
  t.is(unchanged.updatedAt.getTime(), announcement.updatedAt.getTime());
});

test.serial("the dashboard's announcements cost the same number of queries for one as for six", async (t) => {
  const { announcementsIn, companyStreamKey } = await import("../../core/content/announcements/running.ts");
  const admin = await app.signedIn("admin");
  const reader = await app.signedIn("member");
  async function queriesFor() {
    const { result, statements } = await statementsOf(app, async () => announcementsIn(app.app.registry, await policyFor(app, reader.userId), companyStreamKey));
    return { views: result, count: statements.length };
  }
  // Earlier tests left announcements running: dismiss them so the reader starts from one.
  const { Announcement, AnnouncementReceipt } = await import("../../core/models/announcement.ts");
  await AnnouncementReceipt.bulkCreate((await Announcement.findAll()).map((a) => ({ announcementId: a.id, userId: reader.userId, dismissedAt: new Date(), acknowledgedAt: new Date() })));
  await announced(admin, await publish(admin.client, { target: "company:0", body: "Announcement 0" }));
  const one = await queriesFor();
  t.is(one.views.length, 1);
  for (let index = 1; index < 6; index += 1) await announced(admin, await publish(admin.client, { target: "company:0", body: `Announcement ${index}` }));
  const six = await queriesFor();
  t.is(six.views.length, 6);
  t.is(six.count, one.count);
  t.true(one.count <= 12, `${one.count} queries`);
  t.log(`${one.count} queries`);
});

test.serial("running announcements come with their contents in one statement, each announcement as stored", async (t) => {
  const { runningAnnouncements, companyStreamKey } = await import("../../core/content/announcements/running.ts");
  const { Announcement } = await import("../../core/models/announcement.ts");
  const admin = await app.signedIn("admin");
  const reader = await app.signedIn("member");
  const plain = await announced(admin, await publish(admin.client, { target: "company:0", body: "Plain announcement" }));
  const acknowledged = await announced(admin, await publish(admin.client, { target: "company:0", body: "Read and confirm" }), { requiresAck: "1", expiresOn: dayFromNow(5) });
  const policy = await policyFor(app, reader.userId);
  const { result: running, statements } = await statementsOf(app, () => runningAnnouncements(policy, companyStreamKey));
  t.is(statements.length, 1, statements.join("\n"));
  for (const stored of [plain, acknowledged]) {
    t.true(running.contents.some((content) => content.id === stored.contentId));
    const read = running.byContent.get(stored.contentId)!;
    const expected = (await Announcement.findByPk(stored.id))!;
    t.deepEqual(
      { id: read.id, contentId: read.contentId, requiresAck: read.requiresAck, expiresAt: read.expiresAt?.getTime() ?? null, createdBy: read.createdBy, endedAt: read.endedAt, createdAt: read.createdAt.getTime() },
      { id: expected.id, contentId: expected.contentId, requiresAck: expected.requiresAck, expiresAt: expected.expiresAt?.getTime() ?? null, createdBy: expected.createdBy, endedAt: expected.endedAt, createdAt: expected.createdAt.getTime() },
    );
    const content = running.contents.find((row) => row.id === stored.contentId)!;
    t.false(Object.keys(content.dataValues).some((key) => key.startsWith("agora_")), "the aliases are taken out of the content's values");
  }
  t.true(running.byContent.get(acknowledged.contentId)!.requiresAck);
  t.false(running.byContent.get(plain.contentId)!.requiresAck);
});
