import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish } from "../helpers/content.ts";
import { fixtureRooms, itemHtml, models, report } from "./helpers.ts";

let app: TestApp;
let rooms: Awaited<ReturnType<typeof fixtureRooms>>;
test.before(async () => {
  app = await startApp();
  rooms = await fixtureRooms(app);
});
test.after.always(() => app?.close());

test.serial("a hidden post leaves the dashboard, topic page and permalink of readers, stays visible to moderators, and comes back", async (t) => {
  const { ContentReport, AuditEntry, Content } = await models();
  const { alpha } = rooms;
  const moderator = await app.signedIn("member");
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  alpha.members.set(moderator.userId, "moderator");
  for (const person of [author, reader]) alpha.members.set(person.userId, "member");
  const id = await publish(author.client, { target: `fixture-room:${alpha.id}`, body: "Offensive joke #humour" });
  t.is((await report(reader.client, id, { reason: "inappropriate" })).status, 302);

  const before = await moderator.client.get(`/c/${id}`);
  t.true(before.text.includes(`action="/c/${id}/hide"`), "moderators get a Hide button on the post");
  t.false((await reader.client.get(`/c/${id}`)).text.includes(`/c/${id}/hide`), "readers do not");

  const hidden = await moderator.client.post(`/c/${id}/hide`);
  t.is(hidden.status, 302);
  t.is(hidden.location, `/c/${id}`);
  const row = (await Content.findByPk(id))!;
  t.truthy(row.hiddenAt);
  t.is(row.hiddenBy, moderator.userId);
  t.is((await ContentReport.findOne({ where: { contentId: id } }))!.status, "actioned", "its reports are closed as acted upon");

  for (const path of ["/", "/topics/humour", "/?topic=humour"]) t.false((await reader.client.get(path)).text.includes("Offensive joke"), path);
  t.is((await reader.client.get(`/c/${id}`)).status, 404);
  t.is((await author.client.get(`/c/${id}`)).status, 404, "its author no longer sees it either");
  t.is((await report(reader.client, id)).status, 404, "hidden content cannot be reported");
  const seenByModerator = await moderator.client.get(`/c/${id}`);
  t.is(seenByModerator.status, 200);
  t.true(seenByModerator.text.includes("Hidden by a moderator"));
  t.true(seenByModerator.text.includes(`action="/c/${id}/unhide"`));
  t.is((await moderator.client.post(`/c/${id}/hide`)).status, 409, "already hidden");

  const hiddenList = await moderator.client.get("/moderation?view=hidden");
  t.true(itemHtml(hiddenList.text, id).includes("Offensive joke"));
  t.false((await moderator.client.get("/moderation")).text.includes("Offensive joke"), "no longer in the open reports");
  t.false((await reader.client.get("/moderation?view=hidden")).text.includes("Offensive joke"));
  t.is((await reader.client.post(`/c/${id}/unhide`)).status, 404, "a reader cannot even reach it");

  t.is((await moderator.client.post(`/c/${id}/unhide`, { returnTo: "/moderation?view=hidden" })).status, 302);
  t.is((await Content.findByPk(id))!.hiddenAt, null);
  for (const path of ["/", "/topics/humour", `/c/${id}`]) t.true((await reader.client.get(path)).text.includes("Offensive joke"), path);
  t.is((await moderator.client.post(`/c/${id}/unhide`)).status, 409, "not hidden");

  const actions = (await AuditEntry.findAll({ where: { subjectType: "content", subjectId: String(id) }, order: [["id", "ASC"]] })).map((entry) => [entry.action, entry.actorId]);
  t.deepEqual(actions, [["content.hidden", moderator.userId], ["content.unhidden", moderator.userId]]);
});

test.serial("delete from the queue is the usual soft delete and closes the reports; each action is audited", async (t) => {
  const { ContentReport, AuditEntry, Content } = await models();
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const admin = await app.signedIn("admin");
  const id = await publish(author.client, { target: "company:0", body: "Confidential salary list" });
  t.is((await report(reader.client, id, { reason: "confidential" })).status, 302);
  t.is((await admin.client.post(`/moderation/content/${id}/delete`, { returnTo: "/moderation" })).status, 302);
  t.truthy((await Content.findByPk(id))!.deletedAt);
  t.is((await ContentReport.findOne({ where: { contentId: id } }))!.status, "actioned");
  t.is((await reader.client.get(`/c/${id}`)).status, 404);
  t.false((await admin.client.get("/moderation")).text.includes("Confidential salary list"));
  const actions = (await AuditEntry.findAll({ where: { subjectType: "content", subjectId: String(id) }, order: [["id", "ASC"]] })).map((entry) => entry.action);
  t.deepEqual(actions, ["content.deleted", "reports.resolved"]);
  t.is((await admin.client.post(`/moderation/content/${id}/delete`)).status, 409, "already deleted");
  t.is((await author.client.post(`/c/${id}/restore`)).status, 302, "the author may still restore it within 30 days");
});

test.serial("a failed hide changes nothing: the audit entry and the hide are one transaction", async (t) => {
  const { AuditEntry, Content } = await models();
  const author = await app.signedIn("member");
  const admin = await app.signedIn("admin");
  const id = await publish(author.client, { target: "company:0", body: "Atomic" });
  // The audit write fails: the hide written just before it in the transaction must be rolled back.
  const model = AuditEntry as unknown as { create: (...args: unknown[]) => Promise<unknown> };
  const original = model.create;
  model.create = async () => {
    throw new Error("audit log unavailable");
  };
  try {
    t.is((await admin.client.post(`/c/${id}/hide`)).status, 500);
  } finally {
    model.create = original;
  }
  t.is((await Content.findByPk(id))!.hiddenAt, null, "the content is not hidden without its audit entry");
});
