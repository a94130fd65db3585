import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish } from "../helpers/content.ts";
import { comment } from "../comments/helpers.ts";
import { fixtureRooms, itemHtml, models, report } from "./helpers.ts";

let app: TestApp;
let rooms: Awaited<ReturnType<typeof fixtureRooms>>;
test.before(async () => {
  app = await startApp();
  rooms = await fixtureRooms(app);
});
test.after.always(() => app?.close());

test.serial("admins see every open report grouped per content, with counts and reasons, never who reported", async (t) => {
  const author = await app.signedIn("member");
  const readers = await Promise.all([1, 2, 3].map(() => app.signedIn("member")));
  const admin = await app.signedIn("admin");
  const id = await publish(author.client, { target: "company:0", body: "Questionable offer" });
  await report(readers[0].client, id, { reason: "spam", note: "First note" });
  await report(readers[1].client, id, { reason: "spam" });
  await report(readers[2].client, id, { reason: "misinformation", note: "Second note" });

  const page = await admin.client.get("/moderation");
  t.is(page.status, 200);
  const item = itemHtml(page.text, id);
  t.true(item.includes("Questionable offer"));
  t.true(item.includes("3 reports"));
  t.regex(item, /Spam or advertising × 2/);
  t.regex(item, /False or misleading × 1/);
  t.true(item.includes("First note") && item.includes("Second note"));
  for (const reader of readers) t.false(item.includes(reader.account.displayName), "reporters are not named");
  t.is(page.text.split(`id="report-${id}"`).length, 2, "one item per content, not one per report");
  t.true(page.text.includes('href="/admin/audit"'), "admins get the audit log tab");
  t.true((await admin.client.get("/admin")).text.includes('href="/moderation"'), "the admin console links to moderation");
});

test.serial("a room moderator sees only their room's reports; a plain member sees none and may not act", async (t) => {
  const { ContentReport } = await models();
  const { alpha, beta } = rooms;
  const moderator = await app.signedIn("member");
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const plain = await app.signedIn("member");
  alpha.members.set(moderator.userId, "moderator");
  for (const room of [alpha, beta]) room.members.set(author.userId, "member");
  const inAlpha = await publish(author.client, { target: `fixture-room:${alpha.id}`, body: "Alpha trouble" });
  const inBeta = await publish(author.client, { target: `fixture-room:${beta.id}`, body: "Beta trouble" });
  const inCompany = await publish(author.client, { target: "company:0", body: "Company trouble" });
  for (const id of [inAlpha, inBeta, inCompany]) t.is((await report(reader.client, id)).status, 302);

  const queue = await moderator.client.get("/moderation");
  t.is(queue.status, 200);
  t.true(queue.text.includes("Alpha trouble"));
  t.false(queue.text.includes("Beta trouble"));
  t.false(queue.text.includes("Company trouble"));
  t.false(queue.text.includes('href="/admin/audit"'), "the audit log is for admins");
  t.is((await moderator.client.get(`/moderation?container=fixture-room:${alpha.id}`)).status, 200);
  t.is((await moderator.client.get(`/moderation?container=fixture-room:${beta.id}`)).status, 404, "not a container they moderate");
  t.is((await moderator.client.get("/moderation?container=nowhere:1")).status, 404);

  const plainQueue = await plain.client.get("/moderation");
  t.false(plainQueue.text.includes("trouble"));
  t.true(plainQueue.text.includes("No open reports."));
  for (const path of [`/c/${inAlpha}/hide`, `/moderation/content/${inAlpha}/dismiss`, `/moderation/content/${inAlpha}/delete`]) {
    t.is((await plain.client.post(path)).status, 403, path);
  }
  t.is((await moderator.client.post(`/c/${inBeta}/hide`)).status, 403, "a moderator of another room may not act here");
  t.is((await moderator.client.post(`/moderation/content/${inCompany}/dismiss`)).status, 403);
  t.is(await ContentReport.count({ where: { contentId: [inAlpha, inBeta, inCompany], status: "open" } }), 3, "nothing changed");

  t.is((await moderator.client.post(`/moderation/content/${inAlpha}/dismiss`, { returnTo: "/moderation" })).status, 302);
  t.false((await moderator.client.get("/moderation")).text.includes("Alpha trouble"), "dismissed reports leave the queue");
  t.is((await ContentReport.findOne({ where: { contentId: inAlpha } }))!.status, "dismissed");
  t.is((await moderator.client.post(`/moderation/content/${inAlpha}/dismiss`)).status, 409, "nothing left to dismiss");
});

test.serial("a moderator does not judge reports on what they wrote; private rooms stay out of an outsider admin's queue", async (t) => {
  const { alpha, secret } = rooms;
  const moderator = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const insider = await app.signedIn("member");
  const admin = await app.signedIn("admin");
  alpha.members.set(moderator.userId, "moderator");
  secret.members.set(insider.userId, "member");
  secret.members.set(moderator.userId, "moderator");
  const own = await publish(moderator.client, { target: `fixture-room:${alpha.id}`, body: "Moderator's own words" });
  t.is((await report(reader.client, own)).status, 302);
  t.false((await moderator.client.get("/moderation")).text.includes("Moderator's own words"));
  t.is((await moderator.client.post(`/c/${own}/hide`)).status, 403);
  t.true((await admin.client.get("/moderation")).text.includes("Moderator's own words"));

  const hidden = await publish(insider.client, { target: `fixture-room:${secret.id}`, body: "Members-only gossip" });
  const other = await app.signedIn("member");
  secret.members.set(other.userId, "member");
  t.is((await report(other.client, hidden)).status, 302);
  t.true((await moderator.client.get("/moderation")).text.includes("Members-only gossip"));
  t.false((await admin.client.get("/moderation")).text.includes("Members-only gossip"), "an admin outside a private room does not see its content");
});

test.serial("reported comments are listed with their text and can be hidden from the queue", async (t) => {
  const { Comment, AuditEntry } = await models();
  const author = await app.signedIn("member");
  const commenter = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const admin = await app.signedIn("admin");
  const id = await publish(author.client, { target: "company:0", body: "Harmless post" });
  const commentId = await comment(commenter.client, id, "Nasty **comment**");
  t.is((await report(reader.client, commentId, { reason: "harassment" }, "comments")).status, 302);

  const item = itemHtml((await admin.client.get("/moderation")).text, id, commentId);
  t.true(item.includes("<strong>comment</strong>"));
  t.true(item.includes("Comment"));
  t.true(item.includes(`action="/comments/${commentId}/hide"`));
  t.false(item.includes("Harmless post"), "the comment is judged, not its post");

  t.is((await admin.client.post(`/comments/${commentId}/hide`, { returnTo: "/moderation" })).status, 302);
  t.truthy((await Comment.findByPk(commentId))!.hiddenAt);
  t.false((await reader.client.get(`/c/${id}`)).text.includes("Nasty"), "hidden from readers");
  t.true((await admin.client.get(`/c/${id}`)).text.includes("Nasty"), "moderators still see it");
  t.false((await admin.client.get("/moderation")).text.includes("Nasty"), "its reports are closed");
  const entry = await AuditEntry.findOne({ where: { action: "comment.hidden", subjectId: String(commentId) } });
  t.truthy(entry);
  t.is(JSON.parse(entry!.details!).contentId, id);
  t.is((await admin.client.post(`/comments/${commentId}/unhide`)).status, 302);
  t.true((await reader.client.get(`/c/${id}`)).text.includes("Nasty"));
});

test.serial("the queue pages by keyset without repeating or losing an item, also when most reports are not the viewer's", async (t) => {
  const { alpha, beta } = rooms;
  const moderator = await app.signedIn("member");
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  alpha.members.set(moderator.userId, "moderator");
  for (const room of [alpha, beta]) room.members.set(author.userId, "member");
  const mine: number[] = [];
  const theirs: number[] = [];
  for (let index = 0; index < 23; index += 1) {
    const id = await publish(author.client, { target: `fixture-room:${alpha.id}`, body: `Paged alpha ${index}` });
    mine.push(id);
    await report(reader.client, id);
    // Reports of another room in between: filtered out page by page, never looped per container.
    for (let other = 0; other < 3; other += 1) {
      theirs.push(await publish(author.client, { target: `fixture-room:${beta.id}`, body: `Paged beta ${index}.${other}` }));
      await report(reader.client, theirs.at(-1)!);
    }
  }
  const seen: number[] = [];
  let url: string | null = `/moderation?container=fixture-room:${alpha.id}`;
  for (const path of [url, "/moderation"]) {
    seen.length = 0;
    url = path;
    for (let pages = 0; url && pages < 20; pages += 1) {
      const page = await moderator.client.get(url);
      t.is(page.status, 200);
      for (const match of page.text.matchAll(/id="report-(\d+)"/g)) seen.push(Number(match[1]));
      const next = /href="([^"]+)" rel="next"/.exec(page.text);
      url = next ? next[1].replace(/&amp;/g, "&") : null;
    }
    const alphaSeen = seen.filter((id) => mine.includes(id));
    t.is(new Set(seen).size, seen.length, `${path}: no item twice`);
    t.deepEqual([...alphaSeen].sort((a, b) => a - b), [...mine].sort((a, b) => a - b), `${path}: every item once`);
    t.false(seen.some((id) => theirs.includes(id)), `${path}: nothing from beta`);
  }
  t.is((await moderator.client.get("/moderation?before=abc")).status, 400);
  t.is((await moderator.client.get("/moderation?view=everything")).status, 400);
});

test.serial("report notes render inert", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const admin = await app.signedIn("admin");
  const id = await publish(author.client, { target: "company:0", body: "Target of hostile notes" });
  const payload = `<script>alert(1)</script><img src=x onerror=alert(2)>"><a href="javascript:alert(3)">x</a>`;
  t.is((await report(reader.client, id, { reason: "other", note: payload })).status, 302);
  const item = itemHtml((await admin.client.get("/moderation")).text, id);
  t.true(item.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  const tags = item.match(/<[a-z][^>]*>/gi) ?? [];
  t.deepEqual(tags.filter((tag) => /^<(script|img)|\son\w+=|href="javascript:/i.test(tag)), []);
  const refused = await report(reader.client, id, { reason: "other", note: payload });
  t.is(refused.status, 409);
  const invalid = await report(await app.signedIn("member").then((other) => other.client), id, { reason: "nope", note: payload });
  t.is(invalid.status, 422);
  t.false(invalid.text.includes("<script>alert(1)"));
  t.true(invalid.text.includes("&lt;script&gt;alert(1)"));
});
