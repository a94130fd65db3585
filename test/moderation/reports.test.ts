import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish } from "../helpers/content.ts";
import { comment } from "../comments/helpers.ts";
import { fixtureRooms, models, report } from "./helpers.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

test.serial("a reader reports a post with a reason and a note, and is thanked without anyone else being named", async (t) => {
  const { ContentReport } = await models();
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Buy cheap watches" });

  const permalink = await reader.client.get(`/c/${id}`);
  t.true(permalink.text.includes(`href="/c/${id}/report"`), "a plain reader sees a Report link");
  t.false((await author.client.get(`/c/${id}`)).text.includes(`/c/${id}/report`), "the author does not");

  const form = await reader.client.get(`/c/${id}/report`);
  t.is(form.status, 200);
  t.true(form.text.includes('value="harassment"'));
  const response = await report(reader.client, id, { reason: "spam", note: "Advertising again" });
  t.is(response.status, 302);
  t.is(response.location, `/c/${id}`);
  t.true((await reader.client.get(`/c/${id}`)).text.includes("Thanks, moderators will look at it."));
  const saved = await ContentReport.findAll({ where: { contentId: id } });
  t.is(saved.length, 1);
  t.like(saved[0].get({ plain: true }), { reporterId: reader.userId, reason: "spam", note: "Advertising again", status: "open", commentId: null });

  // A second reader's report says nothing about the first one.
  const second = await app.signedIn("member");
  const secondForm = await second.client.get(`/c/${id}/report`);
  t.false(secondForm.text.includes("already"));
  t.is((await report(second.client, id, { reason: "other" })).status, 302);
  t.is(await ContentReport.count({ where: { contentId: id } }), 2);
});

test.serial("the author cannot report their own post; a second report is refused kindly; bad input changes nothing", async (t) => {
  const { ContentReport } = await models();
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "My own words" });

  t.is((await author.client.get(`/c/${id}/report`)).status, 403);
  t.is((await report(author.client, id)).status, 403);
  t.is(await ContentReport.count({ where: { contentId: id } }), 0);

  const invalidReason = await report(reader.client, id, { reason: "boring", note: "kept note" });
  t.is(invalidReason.status, 422);
  t.true(invalidReason.text.includes("Choose a reason."));
  t.true(invalidReason.text.includes("kept note"), "what was typed comes back");
  const longNote = await report(reader.client, id, { note: "x".repeat(1001) });
  t.is(longNote.status, 422);
  t.true(longNote.text.includes("The note is too long"));
  t.is(await ContentReport.count({ where: { contentId: id } }), 0);

  t.is((await report(reader.client, id, { note: "x".repeat(1000) })).status, 302, "1,000 characters are allowed");
  const again = await report(reader.client, id, { reason: "harassment" });
  t.is(again.status, 409);
  t.true(again.text.includes("You have already reported this."));
  t.true((await reader.client.get(`/c/${id}/report`)).text.includes("You have already reported this."), "the form says so too");
  t.is(await ContentReport.count({ where: { contentId: id } }), 1);

  // A double submit races past the first check: the database keeps one open report.
  const racer = await app.signedIn("member");
  await racer.client.get(`/c/${id}/report`);
  const statuses = (await Promise.all([report(racer.client, id), report(racer.client, id), report(racer.client, id)])).map((response) => response.status).sort();
  t.deepEqual(statuses, [302, 409, 409]);
  t.is(await ContentReport.count({ where: { contentId: id, reporterId: racer.userId } }), 1);

  // Once moderators closed it, the reader may report it again.
  await ContentReport.update({ status: "dismissed" }, { where: { contentId: id } });
  t.is((await report(reader.client, id, { reason: "harassment" })).status, 302);
  t.is(await ContentReport.count({ where: { contentId: id, status: "open", reporterId: reader.userId } }), 1);
});

test.serial("content the reader cannot read cannot be reported: 404, as if it did not exist", async (t) => {
  const { ContentReport } = await models();
  const { secret } = await fixtureRooms(app);
  const member = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  secret.members.set(member.userId, "member");
  const id = await publish(member.client, { target: `fixture-room:${secret.id}`, body: "Secret plan" });

  t.is((await outsider.client.get(`/c/${id}/report`)).status, 404);
  const refused = await report(outsider.client, id);
  t.is(refused.status, 404);
  t.false(refused.text.includes("Secret plan"));
  t.is((await report(outsider.client, 999_999)).status, 404);
  t.is((await outsider.client.get("/c/abc/report")).status, 404);
  t.is(await ContentReport.count({ where: { contentId: id } }), 0);
  t.is((await app.client().post(`/c/${id}/report`, { reason: "spam" })).status, 302, "anonymous visitors are sent to log in");
  t.is(await ContentReport.count({ where: { contentId: id } }), 0);
});

test.serial("comments are reported the same way: not by their author, once per reader", async (t) => {
  const { ContentReport } = await models();
  const author = await app.signedIn("member");
  const commenter = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Open thread" });
  const commentId = await comment(commenter.client, id, "Rude remark");

  t.true((await reader.client.get(`/c/${id}`)).text.includes(`href="/comments/${commentId}/report"`));
  t.is((await report(commenter.client, commentId, {}, "comments")).status, 403);
  t.is((await report(reader.client, commentId, { reason: "harassment" }, "comments")).status, 302);
  t.is((await report(reader.client, commentId, { reason: "harassment" }, "comments")).status, 409);
  // Reporting the comment is not reporting the post: the post can still be reported by the same reader.
  t.is((await report(reader.client, id)).status, 302);
  const saved = await ContentReport.findAll({ where: { contentId: id }, order: [["id", "ASC"]] });
  t.deepEqual(saved.map((row) => row.commentId), [commentId, null]);
  t.is((await report(reader.client, 999_999, {}, "comments")).status, 404);
});
