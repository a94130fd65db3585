import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import type { ActionHooks } from "../../core/modules/types.ts";
import { comment, entryHtml } from "./helpers.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const models = async () => {
  const { Comment } = await import("../../core/models/comment.ts");
  const { Content } = await import("../../core/models/content.ts");
  const { ContentTopic } = await import("../../core/models/topic.ts");
  const { Mention } = await import("../../core/models/mention.ts");
  return { Comment, Content, ContentTopic, Mention };
};

test.serial("a comment and replies: a reply to a reply joins its thread; counts and newest activity follow", async (t) => {
  const { Comment, Content, ContentTopic } = await models();
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Lunch menu #canteen" });
  const before = (await Content.findByPk(id))!;
  const topicSortAt = (await ContentTopic.findOne({ where: { contentId: id } }))!.sortAt.getTime();
  await new Promise((resolve) => setTimeout(resolve, 15));

  const top = await comment(reader.client, id, "Is there a **vegetarian** option?");
  const reply = await comment(author.client, id, "Yes, every day.", top);
  const replyToReply = await comment(reader.client, id, "Great, thanks!", reply);
  t.is((await Comment.findByPk(top))!.parentId, null);
  t.is((await Comment.findByPk(reply))!.parentId, top);
  t.is((await Comment.findByPk(replyToReply))!.parentId, top, "a reply to a reply is attached to the top-level comment");

  const after = (await Content.findByPk(id))!;
  t.is(after.commentCount, 3);
  t.true(after.sortAt.getTime() > before.sortAt.getTime(), "a comment makes the content the newest activity");
  t.is((await ContentTopic.findOne({ where: { contentId: id } }))!.sortAt.getTime(), topicSortAt, "topic pages keep their order");

  const page = await reader.client.get(`/c/${id}`);
  t.is(page.status, 200);
  const html = entryHtml(page.text, id);
  t.true(html.includes("<strong>vegetarian</strong>"));
  t.true(html.includes("Yes, every day.") && html.includes("Great, thanks!"));
  t.true(html.indexOf(`id="comment-${top}"`) < html.indexOf(`id="comment-${reply}"`));
  t.regex(html, new RegExp(`<input type="hidden" name="parentId" value="${top}">`), "each thread has a reply form");
  t.true(html.includes(`action="/c/${id}/comments?_csrf=`));
});

test.serial("the stream shows the latest two threads with three replies each and links to all; the permalink shows all", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Thread test" });
  const threads: number[] = [];
  for (let index = 1; index <= 4; index += 1) threads.push(await comment(reader.client, id, `Thread number ${index}.`));
  for (let index = 1; index <= 5; index += 1) await comment(author.client, id, `Answer number ${index}.`, threads[3]);

  const stream = entryHtml((await reader.client.get("/")).text, id);
  t.false(stream.includes("Thread number 1.") || stream.includes("Thread number 2."));
  t.true(stream.includes("Thread number 3.") && stream.includes("Thread number 4."));
  t.false(stream.includes("Answer number 2."));
  t.true(stream.includes("Answer number 3.") && stream.includes("Answer number 5."));
  t.true(stream.includes("View all 9 comments"));
  t.true(stream.includes("2 more replies"));

  const permalink = entryHtml((await reader.client.get(`/c/${id}`)).text, id);
  for (const text of ["Thread number 1.", "Thread number 2.", "Answer number 1.", "Answer number 5."]) t.true(permalink.includes(text), text);
  t.false(permalink.includes("View all"));
});

test.serial("in a stream, Reply is a link to the post's page with that thread's form open; the form replies", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Reply by link" });
  const top = await comment(author.client, id, "A thread to answer");
  const entry = entryHtml((await reader.client.get("/")).text, id);
  t.true(entry.includes(`<a href="/c/${id}?reply=${top}#reply-${top}" data-reply="${top}"`));
  t.false(entry.includes('name="parentId"'), "no reply form in the stream: the entry's comment form is copied by the script");
  t.is([...entry.matchAll(/<form class="comment-form"/g)].length, 1);

  const permalink = await reader.client.get(`/c/${id}?reply=${top}`);
  t.is(permalink.status, 200);
  t.true(permalink.text.includes(`<details class="comment-reply" id="reply-${top}" open>`));
  t.regex(permalink.text, new RegExp(`<input type="hidden" name="parentId" value="${top}">`));
  const plain = (await reader.client.get(`/c/${id}`)).text;
  t.true(plain.includes(`<details class="comment-reply" id="reply-${top}">`), "closed without ?reply=");
  for (const bad of ["abc", "0", "-1", "99999999999"]) {
    const refused = await reader.client.get(`/c/${id}?reply=${bad}`);
    t.is(refused.status, 400, bad);
    t.true(refused.text.includes("This reply link is not valid."));
  }
  const replied = await reader.client.post(`/c/${id}/comments`, { body: "Answered from the post's page", parentId: String(top) });
  t.is(replied.status, 302);
  const { Comment } = await models();
  t.is((await Comment.findOne({ where: { body: "Answered from the post's page" } }))?.parentId, top);
});

test.serial("the permalink pages threads by keyset past 50", async (t) => {
  const { Comment, Content } = await models();
  const author = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Busy post" });
  await Comment.bulkCreate(Array.from({ length: 55 }, (_, index) => ({ contentId: id, parentId: null, authorId: author.userId, body: `n${index}`, bodyHtml: `<p>Numbered comment ${index}.</p>` })));
  await Content.update({ commentCount: 55 }, { where: { id } });
  const first = await author.client.get(`/c/${id}`);
  t.true(first.text.includes("Numbered comment 54.") && first.text.includes("Numbered comment 5."));
  t.false(first.text.includes("Numbered comment 4."));
  const older = /href="(\/c\/\d+\/comments\?comments_before=\d+)#comments-\d+"/.exec(first.text);
  t.truthy(older);
  const second = await author.client.get(older![1]);
  t.is(second.status, 200);
  t.true(second.text.includes("Numbered comment 0.") && second.text.includes("Numbered comment 4."));
  t.false(second.text.includes("Numbered comment 5."));
  t.true(second.text.includes("Back to the latest comments"));
  t.is((await author.client.get(`/c/${id}/comments?comments_before=abc`)).status, 400);
});

test.serial("a refused comment comes back on the content page with the text kept, and nothing is written", async (t) => {
  const { Comment, Content } = await models();
  const author = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Refusals" });
  const top = await comment(author.client, id, "A thread");
  const count = await Comment.count();

  const empty = await author.client.post(`/c/${id}/comments`, { body: "   " });
  t.is(empty.status, 422);
  t.true(empty.text.includes("Write a comment."));
  const long = "word ".repeat(1001);
  const tooLong = await author.client.post(`/c/${id}/comments`, { body: long });
  t.is(tooLong.status, 422);
  t.true(tooLong.text.includes(long.trim().slice(0, 300)));
  t.true(tooLong.text.includes("5,000 characters"));
  const longReply = await author.client.post(`/c/${id}/comments`, { body: `${long}reply`, parentId: String(top) });
  t.is(longReply.status, 422);
  t.true(longReply.text.includes(`<details class="comment-reply" id="reply-${top}" open>`), "the reply form it came from is open");
  const orphan = await author.client.post(`/c/${id}/comments`, { body: "Replying to nothing", parentId: "999999" });
  t.is(orphan.status, 422);
  t.true(orphan.text.includes("Replying to nothing"));
  t.true(orphan.text.includes("no longer available"));
  t.is(await Comment.count(), count);
  t.is((await Content.findByPk(id))!.commentCount, 1);
});

test.serial("authors edit and delete their comments; others cannot; moderators delete any, audited", async (t) => {
  const { Comment, Content } = await models();
  const { AuditEntry } = await import("../../core/models/audit-entry.ts");
  const author = await app.signedIn("member");
  const commenter = await app.signedIn("member");
  const other = await app.signedIn("member");
  const admin = await app.signedIn("admin");
  const id = await publish(author.client, { target: "company:0", body: "Edit and delete" });
  const mine = await comment(commenter.client, id, "Frist");

  t.is((await other.client.get(`/comments/${mine}/edit`)).status, 404);
  t.is((await other.client.post(`/comments/${mine}/edit`, { body: "hijacked" })).status, 404);
  t.is((await other.client.post(`/comments/${mine}/delete`)).status, 403);
  t.is((await author.client.post(`/comments/${mine}/delete`)).status, 403, "the content's author is not a moderator");
  t.is((await commenter.client.post(`/comments/${mine}/edit`, { body: "" })).status, 422);
  t.is((await commenter.client.get(`/comments/${mine}/edit`)).status, 200);
  t.is((await commenter.client.post(`/comments/${mine}/edit`, { body: "First" })).status, 302);
  const edited = (await Comment.findByPk(mine))!;
  t.is(edited.body, "First");
  t.truthy(edited.editedAt);
  t.regex(entryHtml((await other.client.get(`/c/${id}`)).text, id), /<p>First<\/p>[\s\S]*edited|edited[\s\S]*<p>First<\/p>/);

  // A deleted comment without replies disappears; one with replies leaves a placeholder.
  const lonely = await comment(commenter.client, id, "Lonely words");
  t.is((await commenter.client.post(`/comments/${lonely}/delete`)).status, 302);
  const threaded = await comment(commenter.client, id, "Threaded words");
  await comment(other.client, id, "An answer that stays", threaded);
  t.is((await Content.findByPk(id))!.commentCount, 3);
  t.is((await commenter.client.post(`/comments/${threaded}/delete`)).status, 302);
  t.is((await Content.findByPk(id))!.commentCount, 2);
  let page = entryHtml((await other.client.get(`/c/${id}`)).text, id);
  t.false(page.includes("Lonely words") || page.includes(`id="comment-${lonely}"`));
  t.false(page.includes("Threaded words"));
  t.true(page.includes(`id="comment-${threaded}"`) && page.includes("Comment deleted"));
  t.true(page.includes("An answer that stays"));
  t.is((await commenter.client.post(`/comments/${threaded}/delete`)).status, 404, "a deleted comment is gone for everyone");

  t.is((await admin.client.post(`/comments/${mine}/delete`)).status, 302);
  t.truthy((await Comment.findByPk(mine))!.deletedAt);
  t.is((await Content.findByPk(id))!.commentCount, 1);
  t.truthy(await AuditEntry.findOne({ where: { action: "comment.deleted", subjectId: String(mine) } }));
  page = entryHtml((await other.client.get(`/c/${id}`)).text, id);
  t.false(page.includes("<p>First</p>"));
});

test.serial("hidden comments show only to moderators; the count leaves them out", async (t) => {
  const { Comment, Content } = await models();
  const { setCommentHidden } = await import("../../core/content/comments/counts.ts");
  const author = await app.signedIn("member");
  const admin = await app.signedIn("admin");
  const id = await publish(author.client, { target: "company:0", body: "Moderated thread" });
  const rude = await comment(author.client, id, "Something rude");
  const { User } = await import("../../core/models/user.ts");
  const moderator = (await User.findByPk(admin.userId))!;
  const row = (await Comment.findByPk(rude))!;
  t.true(await app.app.sequelize.transaction((transaction) => setCommentHidden(transaction, row, moderator)));
  t.false(await app.app.sequelize.transaction((transaction) => setCommentHidden(transaction, row, moderator)), "hiding twice counts once");
  t.is((await Content.findByPk(id))!.commentCount, 0);
  t.false((await author.client.get(`/c/${id}`)).text.includes("Something rude"));
  t.is((await author.client.get(`/comments/${rude}/edit`)).status, 404);
  const seen = await admin.client.get(`/c/${id}`);
  t.true(seen.text.includes("Something rude") && seen.text.includes("Hidden by a moderator"));
  t.true(await app.app.sequelize.transaction((transaction) => setCommentHidden(transaction, row, null)));
  t.is((await Content.findByPk(id))!.commentCount, 1);
});

test.serial("hostile comments render inert", async (t) => {
  const author = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "XSS target" });
  const payloads = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="https://x" onclick="alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '"><svg onload=alert(1)>',
    "[vb](vbscript:msgbox(1))",
  ];
  const top = await comment(author.client, id, payloads.join("\n\n"));
  await comment(author.client, id, payloads.reverse().join(" "), top);
  for (const path of [`/c/${id}`, "/"]) {
    const html = entryHtml((await author.client.get(path)).text, id);
    const comments = html.slice(html.indexOf('class="comments"'));
    t.true(comments.includes(`id="comment-${top}"`), path);
    const tags = comments.match(/<[a-z][^>]*>/gi) ?? [];
    t.deepEqual(tags.filter((tag) => /^<(script|img|iframe|svg)|\son\w+=|(href|src)="(javascript|data|vbscript):/i.test(tag)), [], path);
    t.true(comments.includes("&lt;script&gt;"), path);
  }
  // A refused comment echoes the hostile text escaped too.
  const refused = await author.client.post(`/c/${id}/comments`, { body: `<script>alert(2)</script>${"x".repeat(5001)}` });
  t.is(refused.status, 422);
  t.false(refused.text.includes("<script>alert(2)"));
  t.true(refused.text.includes("&lt;script&gt;alert(2)"));
});

test.serial("a private container's content takes no comment from a non-member, and a mention of a non-member is not recorded", async (t) => {
  const { Comment, Content, Mention } = await models();
  const { rooms } = await import("../fixtures/modules/fixture-rooms/rooms.ts");
  await app.app.registry.enable("fixture-rooms");
  const member = await app.signedIn("member");
  const colleague = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const secret = rooms.find((room) => room.slug === "secret")!;
  secret.members.set(member.userId, "member");
  secret.members.set(colleague.userId, "member");
  const id = await publish(member.client, { target: `fixture-room:${secret.id}`, body: "Secret plan" });
  const comments = await Comment.count();

  const refused = await outsider.client.post(`/c/${id}/comments`, { body: "Let me in" });
  t.is(refused.status, 404);
  t.false(refused.text.includes("Secret plan"));
  t.is(await Comment.count(), comments);
  t.is((await Content.findByPk(id))!.commentCount, 0);

  const outsiderName = await usernameOf(outsider.userId);
  const colleagueName = await usernameOf(colleague.userId);
  const said = await comment(member.client, id, `Ask @${colleagueName} and @${outsiderName}`);
  const recorded = await Mention.findAll({ where: { contentId: id } });
  t.deepEqual(recorded.map((mention) => [mention.userId, mention.commentId]), [[colleague.userId, said]]);
  t.false((await outsider.client.get("/?filter=mentions")).text.includes("Secret plan"));
  t.true((await colleague.client.get("/?filter=mentions")).text.includes("Secret plan"));
  t.is((await outsider.client.get(`/comments/${said}`)).status, 404);
  t.is((await outsider.client.post(`/comments/${said}/delete`)).status, 404);
});

test.serial("deleted content takes no comment; a deleted comment's mentions go with it", async (t) => {
  const { Comment, Mention } = await models();
  const author = await app.signedIn("member");
  const named = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Soon gone" });
  const said = await comment(author.client, id, `Hello @${await usernameOf(named.userId)}`);
  t.is(await Mention.count({ where: { commentId: said } }), 1);
  t.is((await author.client.post(`/comments/${said}/delete`)).status, 302);
  t.is(await Mention.count({ where: { commentId: said } }), 0);
  t.is((await author.client.post(`/c/${id}/delete`)).status, 302);
  const count = await Comment.count();
  t.is((await author.client.post(`/c/${id}/comments`, { body: "Still there?" })).status, 403);
  t.is((await named.client.post(`/c/${id}/comments`, { body: "Still there?" })).status, 404);
  t.is(await Comment.count(), count);
});

test.serial("modules hear of a new comment with the mentioned readers", async (t) => {
  await app.app.registry.enable("fixture-rooms");
  const heard: { commentId: number; mentioned: number[] }[] = [];
  app.app.registry.hooks.on("fixture-rooms", "comment.created", ({ comment: written, mentionedUserIds }: ActionHooks["comment.created"]) => {
    heard.push({ commentId: written.id, mentioned: mentionedUserIds });
  });
  const author = await app.signedIn("member");
  const named = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Hooks" });
  const said = await comment(author.client, id, `Thanks @${await usernameOf(named.userId)}`);
  t.deepEqual(heard, [{ commentId: said, mentioned: [named.userId] }]);
});
