import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { publish, usernameOf } from "../../../test/helpers/content.ts";
import { contentIdOf, pdfDocument, postMultipart } from "../../../test/attachments/helpers.ts";
import { notificationsOf, queueDrained } from "../../../test/notifications/helpers.ts";
import { addMember, createGroup } from "./helpers.ts";

// Sharing into a group: the share page is a form with a read-only preview; a share carries an optional note
// (Markdown, mentions) that its author can edit, and the original's files for those who may read the original.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const models = async () => ({ ...(await import("../../../core/models/content.ts")), ...(await import("../models/share-note.ts")), ...(await import("../../../core/models/mention.ts")) });

/** The part of a page inside one entry's <article>. */
function entryOf(html: string, contentId: number): string {
  const start = html.indexOf(`id="content-${contentId}"`);
  return start < 0 ? "" : html.slice(start, html.indexOf("</article>", html.indexOf("</section>", start)) + 10);
}

test.serial("the share page: the group picker and a note first, then a compact read-only preview (no comment box, no actions)", async (t) => {
  const author = await app.signedIn("member");
  await createGroup(author.client, { name: "Preview target", visibility: "open" });
  const postId = await publish(author.client, { target: "company:0", title: "Preview me", body: "The **original** text." });
  t.is((await author.client.post(`/c/${postId}/comments`, { body: "A comment under the original" })).status, 302);

  const page = await author.client.get(`/groups/share/${postId}`);
  t.is(page.status, 200);
  const form = page.text.indexOf(`action="/groups/share/${postId}"`);
  const preview = page.text.indexOf('class="card share-preview"');
  t.true(form > 0 && preview > form, "the form comes first, the preview below it");
  t.true(page.text.includes('<textarea id="f-note" name="note"'), "a note field");
  const shown = page.text.slice(preview);
  t.true(shown.includes("Preview me") && shown.includes("<strong>original</strong>"));
  for (const absent of ["comment-form", 'name="body"', "A comment under the original", "entry-actions", "reaction-form", `/c/${postId}/edit`, `/c/${postId}/delete`]) {
    t.false(page.text.includes(absent), `no ${absent} on the share page`);
  }
});

test.serial("a share carries an optional Markdown note, sanitised, with mentions recorded for readers of the group", async (t) => {
  const { Content, GroupShareNote, Mention } = await models();
  const author = await app.signedIn("member");
  const colleague = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const group = await createGroup(author.client, { name: "Note takers", visibility: "private" });
  await addMember(group.id, colleague.userId);
  const postId = await publish(author.client, { target: "company:0", body: "Worth reading" });
  const note = `Read this, @${await usernameOf(colleague.userId)} and @${await usernameOf(outsider.userId)}: **key** <script>alert(1)</script> #quarterly`;
  t.is((await author.client.post(`/groups/share/${postId}`, { target: String(group.id), note })).status, 302);

  const share = (await Content.findOne({ where: { type: "share", refId: postId, containerId: group.id } }))!;
  t.is((await GroupShareNote.findOne({ where: { contentId: share.id } }))?.body, note);
  const entry = entryOf((await colleague.client.get(group.url)).text, share.id);
  t.regex(entry, /<div class="prose share-note"><p>Read this, <a href="\/u\/[^"]+" class="mention">@/);
  t.true(entry.includes("<strong>key</strong>"));
  t.true(entry.includes("&lt;script&gt;"), "raw HTML is shown as text");
  t.false(entry.includes("<script>"));
  t.true(entry.indexOf("share-note") < entry.indexOf("shared-original"), "the note comes before the original");
  t.true(entry.includes("Worth reading"));
  const mentioned = (await Mention.findAll({ where: { contentId: share.id } })).map((mention) => mention.userId);
  t.deepEqual(mentioned, [colleague.userId], "only a reader of the group is recorded as mentioned");
  await queueDrained();
  t.true((await notificationsOf(colleague.userId)).some((notification) => notification.type === "mention"), "and told");
  t.false((await notificationsOf(outsider.userId)).some((notification) => notification.type === "mention"), "the outsider is not told");

  // Without a note: no note row, no empty box.
  t.is((await author.client.post(`/groups/share/${postId}`, { target: String(group.id), note: "   " })).status, 302);
  const bare = (await Content.findAll({ where: { type: "share", refId: postId }, order: [["id", "DESC"]] }))[0];
  t.is(await GroupShareNote.findOne({ where: { contentId: bare.id } }), null);
  t.false(entryOf((await author.client.get(group.url)).text, bare.id).includes("share-note"));

  // Too long: the form again with the text and the reason; nothing written.
  const before = await Content.count({ where: { type: "share" } });
  const refused = await author.client.post(`/groups/share/${postId}`, { target: String(group.id), note: "x".repeat(5001) });
  t.is(refused.status, 422);
  t.true(refused.text.includes("x".repeat(300)));
  t.true(refused.text.includes("A note holds at most 5,000 characters."));
  const badTarget = await author.client.post(`/groups/share/${postId}`, { target: String(group.id + 1000), note: "Kept note" });
  t.is(badTarget.status, 403);
  t.true(badTarget.text.includes("Kept note"));
  t.is(await Content.count({ where: { type: "share" } }), before);
});

test.serial("a share shows the original's files to readers of the original, and nothing of it to others", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const privateGroup = await createGroup(author.client, { name: "Files inner", visibility: "private" });
  const openGroup = await createGroup(author.client, { name: "Files square", visibility: "open" });
  await addMember(openGroup.id, reader.userId);
  const shared = async (target: string, body: string) => {
    const created = await postMultipart(author.client, "/posts", { target, body }, [{ name: "budget.pdf", data: pdfDocument(body) }]);
    const id = contentIdOf(created.location);
    t.is((await author.client.post(`/groups/share/${id}`, { target: String(openGroup.id) })).status, 302);
    const { Content } = await models();
    return { id, share: (await Content.findOne({ where: { type: "share", refId: id } }))! };
  };
  const { Attachment } = await import("../../../core/models/attachment.ts");

  const open = await shared("company:0", "Company budget");
  const [openFile] = await Attachment.findAll({ where: { contentId: open.id } });
  const entry = entryOf((await reader.client.get(openGroup.url)).text, open.share.id);
  t.true(entry.includes(`href="/files/${openFile.id}/budget.pdf"`), "the original's file is listed in the share");
  t.is((await reader.client.get(`/files/${openFile.id}/budget.pdf`)).status, 200, "and opens for a reader of the original");

  const closed = await shared(`group:${privateGroup.id}`, "Secret budget");
  const [closedFile] = await Attachment.findAll({ where: { contentId: closed.id } });
  const hidden = entryOf((await reader.client.get(openGroup.url)).text, closed.share.id);
  t.true(hidden.includes("not available to you"));
  t.false(hidden.includes("budget.pdf"), "no file of an original the reader may not read");
  t.is((await reader.client.get(`/files/${closedFile.id}/budget.pdf`)).status, 404);
  t.true(entryOf((await author.client.get(openGroup.url)).text, closed.share.id).includes(`/files/${closedFile.id}/budget.pdf`), "the author reads it");
});

test.serial("a share offers no Edit link to a 404: its author edits the note, others cannot", async (t) => {
  const { Content, GroupShareNote } = await models();
  const { ContentRevision } = await import("../../../core/models/post.ts");
  const author = await app.signedIn("member");
  const member = await app.signedIn("member");
  const group = await createGroup(author.client, { name: "Edit notes", visibility: "open" });
  await addMember(group.id, member.userId);
  const postId = await publish(author.client, { target: "company:0", body: "Shared for notes" });
  t.is((await author.client.post(`/groups/share/${postId}`, { target: String(group.id), note: "First note" })).status, 302);
  const share = (await Content.findOne({ where: { type: "share", refId: postId } }))!;

  const entry = entryOf((await author.client.get(group.url)).text, share.id);
  t.false(entry.includes(`href="/c/${share.id}/edit"`), "no link to the post editor");
  t.is((await author.client.get(`/c/${share.id}/edit`)).status, 404, "which does not edit shares");
  t.true(entry.includes(`href="/groups/share/${share.id}/note"`), "the author's link edits the note");
  const editor = await author.client.get(`/groups/share/${share.id}/note`);
  t.is(editor.status, 200);
  t.regex(editor.text, /<textarea id="f-note" name="note"[^>]*>First note<\/textarea>/);

  t.false(entryOf((await member.client.get(group.url)).text, share.id).includes(`/groups/share/${share.id}/note`));
  t.is((await member.client.get(`/groups/share/${share.id}/note`)).status, 404);
  t.is((await member.client.post(`/groups/share/${share.id}/note`, { note: "Hijacked" })).status, 404);
  t.is((await author.client.get(`/groups/share/${postId}/note`)).status, 404, "a post is no share");
  t.is((await GroupShareNote.findOne({ where: { contentId: share.id } }))?.body, "First note");

  const refused = await author.client.post(`/groups/share/${share.id}/note`, { note: "y".repeat(5001) });
  t.is(refused.status, 422);
  t.true(refused.text.includes("y".repeat(200)));
  t.is((await GroupShareNote.findOne({ where: { contentId: share.id } }))?.body, "First note");

  const saved = await author.client.post(`/groups/share/${share.id}/note`, { note: "Second *note*" });
  t.is(saved.status, 302);
  t.is(saved.location, `/c/${share.id}`);
  const shown = entryOf((await member.client.get(`/c/${share.id}`)).text, share.id);
  t.true(shown.includes("Second <em>note</em>"));
  t.regex(shown, /edited/);
  t.deepEqual((await ContentRevision.findAll({ where: { contentId: share.id } })).map((revision) => revision.body), ["First note"], "the old note is in the edit history");
  const history = await author.client.get(`/c/${share.id}/history`);
  t.is(history.status, 200);
  t.true(history.text.includes("First note"));

  t.is((await author.client.post(`/groups/share/${share.id}/note`, { note: "" })).status, 302);
  t.is(await GroupShareNote.findOne({ where: { contentId: share.id } }), null, "an empty note removes it");
});

test.serial("two saves of a share's note at once: both answer, one note row, each earlier note in the history once", async (t) => {
  const { Content, GroupShareNote } = await models();
  const { ContentRevision } = await import("../../../core/models/post.ts");
  const author = await app.signedIn("member");
  const group = await createGroup(author.client, { name: "Racing notes", visibility: "open" });
  const postId = await publish(author.client, { target: "company:0", body: "Shared while racing" });
  t.is((await author.client.post(`/groups/share/${postId}`, { target: String(group.id) })).status, 302);
  const share = (await Content.findOne({ where: { type: "share", refId: postId } }))!;

  const responses = await Promise.all(["Note A", "Note B", "Note C"].map((note) => author.client.post(`/groups/share/${share.id}/note`, { note })));
  t.deepEqual(responses.map((response) => response.status), [302, 302, 302]);
  const notes = await GroupShareNote.findAll({ where: { contentId: share.id } });
  t.is(notes.length, 1, "one note per share");
  const history = (await ContentRevision.findAll({ where: { contentId: share.id }, order: [["id", "ASC"]] })).map((revision) => revision.body);
  t.is(history.length, 3, "each save kept the note before it");
  t.is(history[0], "", "the first save replaced no note");
  t.false(history.includes(notes[0].body), "the current note is not in the history");
});
