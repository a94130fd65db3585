import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish } from "../helpers/content.ts";
import type { Client } from "../helpers/client.ts";
import { addMember, createGroup } from "../../modules/groups/test/helpers.ts";
import { announcementOf } from "./helpers.ts";

// Where an announcement's answer sits, who is asked for it, and what the stream says under it.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

async function announced(manager: { client: Client }, contentId: number, fields: Record<string, string> = {}) {
  const response = await manager.client.post(`/c/${contentId}/announce`, fields);
  if (response.status !== 302) throw new Error(`announce refused: ${response.status}`);
  return (await announcementOf(contentId))!;
}

test.serial('"I have read this" sits right under the announcement\'s body, before its comments', async (t) => {
  const admin = await app.signedIn("admin");
  const reader = await app.signedIn("member");
  const id = await publish(admin.client, { target: "company:0", body: "Badge renewal before Friday." });
  for (let index = 0; index < 3; index += 1) t.is((await admin.client.post(`/c/${id}/comments`, { body: `Thread comment ${index}` })).status, 302);
  const announcement = await announced(admin, id, { requiresAck: "1" });
  // Twice: the second page prints the entry's cached HTML.
  for (const round of [1, 2]) {
    const page = (await reader.client.get("/")).text;
    const body = page.indexOf("Badge renewal before Friday.");
    const answer = page.indexOf(`action="/announcements/${announcement.id}/acknowledge"`);
    const comments = page.indexOf(`id="comments-${id}"`);
    const firstComment = page.indexOf("Thread comment");
    t.true(body > 0 && answer > body, `round ${round}: the answer comes after the body`);
    t.true(comments > answer && firstComment > answer, `round ${round}: and before the comment thread`);
    t.is(page.split(`action="/announcements/${announcement.id}/acknowledge"`).length, 2, "once");
    t.is(page.split(`id="comments-${id}"`).length, 2, "the thread is shown once");
  }
});

test.serial("whoever wrote or announced it is not asked to acknowledge it, nor counted as not yet", async (t) => {
  const { AnnouncementReceipt } = await import("../../core/models/announcement.ts");
  const owner = await app.signedIn("member", { displayName: "Olga Owner" });
  const author = await app.signedIn("member", { displayName: "Ada Author" });
  const reader = await app.signedIn("member", { displayName: "Rudi Reader" });
  const group = await createGroup(owner.client, { name: "Safety crew", visibility: "private" });
  await addMember(group.id, author.userId);
  await addMember(group.id, reader.userId);
  const id = await publish(author.client, { target: `group:${group.id}`, body: "New helmets are mandatory." });
  const announcement = await announced(owner, id, { requiresAck: "1" });

  for (const own of [author, owner]) {
    const page = (await own.client.get(group.url)).text;
    t.true(page.includes("New helmets are mandatory."));
    t.false(page.includes(`action="/announcements/${announcement.id}/acknowledge"`), "not asked");
    t.false(page.includes("Please confirm you have read it"));
    t.true(page.includes(`action="/announcements/${announcement.id}/dismiss"`), "may put it away");
  }
  const readerPage = (await reader.client.get(group.url)).text;
  t.true(readerPage.includes(`action="/announcements/${announcement.id}/acknowledge"`));
  t.false(readerPage.includes(`action="/announcements/${announcement.id}/dismiss"`));

  for (const filter of ["", "?filter=unread"]) {
    const receipts = await owner.client.get(`/announcements/${announcement.id}/readers${filter}`);
    t.is(receipts.status, 200);
    const listed = [...receipts.text.matchAll(/<td><a href="\/u\/[^"]+">([^<]+)<\/a><\/td>/g)].map((match) => match[1]);
    t.deepEqual(listed, ["Rudi Reader"], `neither the author nor whoever announced it is listed (${filter || "all"})`);
  }
  t.true((await author.client.get(`/announcements/${announcement.id}/readers`)).text.includes("0 of 1 people have confirmed reading it."));

  // The author puts it away; the reader still has to confirm.
  t.is((await author.client.post(`/announcements/${announcement.id}/dismiss`, { returnTo: group.url })).status, 302);
  t.false((await author.client.get(group.url)).text.includes(`action="/announcements/${announcement.id}/dismiss"`));
  t.is(await AnnouncementReceipt.count({ where: { announcementId: announcement.id, userId: author.userId } }), 1);
  t.is((await reader.client.post(`/announcements/${announcement.id}/dismiss`)).status, 409);
  t.is(await AnnouncementReceipt.count({ where: { announcementId: announcement.id, userId: reader.userId } }), 0);
  t.is((await reader.client.post(`/announcements/${announcement.id}/acknowledge`)).status, 302);
  t.true((await owner.client.get(`/announcements/${announcement.id}/readers`)).text.includes("1 of 1 people have confirmed reading it."));
});

test.serial('a group whose only post is announced does not say "Nothing posted in this group yet"', async (t) => {
  const owner = await app.signedIn("member");
  const member = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Quiet announcers", visibility: "open" });
  await addMember(group.id, member.userId);
  const empty = (await member.client.get(group.url)).text;
  t.true(empty.includes("Nothing posted in this group yet."), "an empty group says so");

  const id = await publish(owner.client, { target: `group:${group.id}`, body: "Kick-off on Monday." });
  const announcement = await announced(owner, id);
  const page = (await member.client.get(group.url)).text;
  t.true(page.includes("Kick-off on Monday."));
  t.true(page.includes(`action="/announcements/${announcement.id}/dismiss"`));
  t.false(page.includes("Nothing posted in this group yet."));

  // Dismissed, the post is in the stream below instead: still no empty message.
  t.is((await member.client.post(`/announcements/${announcement.id}/dismiss`)).status, 302);
  const after = (await member.client.get(group.url)).text;
  t.true(after.includes("Kick-off on Monday."));
  t.false(after.includes("Nothing posted in this group yet."));
});
