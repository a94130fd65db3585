import path from "node:path";
import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { createGroup } from "../../modules/groups/test/helpers.ts";
import { contentIdOf, filesUnder, pdfDocument, pngImage, postMultipart } from "./helpers.ts";

// Content deleted for good (the purge after the restore window, a group's deletion) takes its files,
// thumbnails and its comments' files off the disk, after the commit only: a rollback keeps them.

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const onDisk = () => filesUnder(app.config.uploadsDir).filter((file) => !file.startsWith(`site${path.sep}`) && !file.startsWith(`tmp${path.sep}`));
const models = async () => ({ ...(await import("../../core/models/attachment.ts")), ...(await import("../../core/models/content.ts")), ...(await import("../../core/models/post.ts")) });
const pathsOf = (attachment: { storageKey: string; thumbnailKey: string | null }) =>
  [attachment.storageKey, attachment.thumbnailKey].filter((key): key is string => Boolean(key)).map((key) => path.join(...key.split("/")));

/** A post with an image (file + thumbnail) and a comment with a PDF; returns the paths of all three files. */
async function postWithFiles(client: Client, target = "company:0") {
  const posted = await postMultipart(client, "/posts", { target, body: "Files to purge" }, [{ name: "photo.png", data: await pngImage(40, 30) }]);
  const contentId = contentIdOf(posted.location);
  if (!contentId) throw new Error(`post refused: ${posted.status}`);
  const commented = await postMultipart(client, `/c/${contentId}/comments`, { body: "A comment's file" }, [{ name: "plan.pdf", data: pdfDocument() }]);
  if (commented.status !== 302) throw new Error(`comment refused: ${commented.status}`);
  const { Attachment } = await models();
  const attachments = await Attachment.findAll({ where: { contentId } });
  return { contentId, paths: attachments.flatMap(pathsOf) };
}

test.serial("the purge deletes for good what was deleted over 30 days ago, files and comments' files included", async (t) => {
  const { purgeDeletedContents } = await import("../../core/content/moderation/purge.ts");
  const { Attachment, Content, Post } = await models();
  const { client } = await app.signedIn("member");
  const old = await postWithFiles(client);
  const recent = await postWithFiles(client);
  t.is(old.paths.length, 3, "image, thumbnail and the comment's PDF");
  for (const { contentId } of [old, recent]) t.is((await client.post(`/c/${contentId}/delete`)).status, 302);
  await Content.update({ deletedAt: new Date(Date.now() - 31 * 24 * 3600 * 1000) }, { where: { id: old.contentId } });
  const refId = (await Content.findByPk(old.contentId))!.refId!;

  t.true(await purgeDeletedContents(app.app) >= 1);
  t.is(await Content.findByPk(old.contentId), null);
  t.is(await Post.findByPk(refId), null);
  t.is(await Attachment.count({ where: { contentId: old.contentId } }), 0);
  const files = onDisk();
  for (const file of old.paths) t.false(files.includes(file), `${file} left the disk`);
  for (const file of recent.paths) t.true(files.includes(file), "still restorable: its files stay");
  t.truthy(await Content.findByPk(recent.contentId));
});

test.serial("a rolled-back hard delete keeps the files; the committed one removes them", async (t) => {
  const { Content } = await models();
  const { client } = await app.signedIn("member");
  const { contentId, paths } = await postWithFiles(client);
  await t.throwsAsync(
    app.app.sequelize.transaction(async (transaction) => {
      await Content.destroy({ where: { id: contentId }, transaction });
      throw new Error("rolled back");
    }),
  );
  t.truthy(await Content.findByPk(contentId));
  for (const file of paths) t.true(onDisk().includes(file), "a rollback keeps the files");
  // A savepoint inside a transaction that rolls back: its "commit" is not the final one.
  await t.throwsAsync(
    app.app.sequelize.transaction(async (outer) => {
      await app.app.sequelize.transaction({ transaction: outer }, (inner) => Content.destroy({ where: { id: contentId }, transaction: inner }));
      throw new Error("outer rolled back");
    }),
  );
  for (const file of paths) t.true(onDisk().includes(file), "a rolled-back outer transaction keeps the files");
  await app.app.sequelize.transaction((transaction) => Content.destroy({ where: { id: contentId }, transaction }));
  for (const file of paths) t.false(onDisk().includes(file));
});

test.serial("deleting a group removes the files of everything posted in it", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Files to go", visibility: "private" });
  const { contentId, paths } = await postWithFiles(owner.client, `group:${group.id}`);
  const outside = await postWithFiles(owner.client);
  t.is(paths.length, 3);
  const deleted = await owner.client.post(`${group.url}/delete`, { confirm: group.slug });
  t.is(deleted.status, 302, deleted.text.slice(0, 300));
  const { Content } = await models();
  t.is(await Content.findByPk(contentId), null);
  const files = onDisk();
  for (const file of paths) t.false(files.includes(file), `${file} left the disk`);
  for (const file of outside.paths) t.true(files.includes(file), "other contents keep theirs");
});
