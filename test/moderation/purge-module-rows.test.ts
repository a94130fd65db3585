import path from "node:path";
import test from "ava";
import { fixtureModules, startApp, type TestApp } from "../helpers/app.ts";
import { contentIdOf, postMultipart } from "../attachments/helpers.ts";

// The daily purge removes, with each expired content row, the rows behind it: a post's, and a module
// type's through its purge hook. Contents of a type switched off or gone keep everything until it is back.

const purgeModules = path.resolve(import.meta.dirname, "../fixtures/purge-modules");
const moduleId = "fixture-purge-notes";
const expiredAt = () => new Date(Date.now() - 31 * 24 * 3600 * 1000);

let app: TestApp;
test.before(async () => {
  app = await startApp({ AGORA_MODULE_PATHS: ["modules", fixtureModules, purgeModules].join(path.delimiter) });
});
test.after.always(() => app?.close());

const load = async () => ({
  ...(await import("../../core/content/moderation/purge.ts")),
  ...(await import("../../core/models/content.ts")),
  ...(await import("../../core/models/post.ts")),
  ...(await import("../fixtures/purge-modules/fixture-purge-notes/index.ts")),
});

/** A post written and deleted through the app, then aged past the restore window; returns its content id. */
async function expiredPost(client: Awaited<ReturnType<TestApp["signedIn"]>>["client"]) {
  const { Content } = await load();
  const contentId = contentIdOf((await postMultipart(client, "/posts", { target: "company:0", body: "To be purged" })).location);
  if (!contentId) throw new Error("post refused");
  if ((await client.post(`/c/${contentId}/delete`)).status !== 302) throw new Error("delete refused");
  await Content.update({ deletedAt: expiredAt() }, { where: { id: contentId } });
  return contentId;
}

test.serial("the purge takes a module's own row and a post's row with their contents", async (t) => {
  const { purgeDeletedContents, writePurgeNote, Content, Post, FixturePurgeNote } = await load();
  const { client, userId } = await app.signedIn("member");
  const note = await writePurgeNote(userId, "expired note");
  const recent = await writePurgeNote(userId, "restorable note");
  await note.update({ deletedAt: expiredAt() });
  await recent.update({ deletedAt: new Date() });
  const postId = await expiredPost(client);
  const postRefId = (await Content.findByPk(postId))!.refId!;

  t.is(await purgeDeletedContents(app.app), 2);
  t.is(await Content.findByPk(note.id), null);
  t.is(await FixturePurgeNote.findByPk(note.refId!), null, "the module's row went with its content");
  t.is(await Content.findByPk(postId), null);
  t.is(await Post.findByPk(postRefId), null, "the post's row went with its content");
  t.truthy(await Content.findByPk(recent.id), "still restorable");
  t.truthy(await FixturePurgeNote.findByPk(recent.refId!));
});

test.serial("contents of a switched-off or unknown type keep their rows until their module is back", async (t) => {
  const { purgeDeletedContents, writePurgeNote, Content, FixturePurgeNote } = await load();
  const { client, userId } = await app.signedIn("member");
  const note = await writePurgeNote(userId, "note of a module switched off");
  await note.update({ deletedAt: expiredAt() });
  const orphan = await Content.create({ ...note.get(), id: undefined, type: "fixture-uninstalled", refId: 424242 });
  await app.app.registry.disable(moduleId);
  try {
    const postId = await expiredPost(client);
    // A batch of one: the skipped contents (older ids) must not stop the purge of the others.
    t.is(await purgeDeletedContents(app.app, new Date(), 1), 1);
    t.is(await Content.findByPk(postId), null);
    t.is(await purgeDeletedContents(app.app), 0);
    t.truthy(await Content.findByPk(note.id), "switched off: the content waits");
    t.truthy(await FixturePurgeNote.findByPk(note.refId!), "and so does its row");
  } finally {
    await app.app.registry.enable(moduleId);
  }
  t.is(await purgeDeletedContents(app.app), 1);
  t.is(await Content.findByPk(note.id), null);
  t.is(await FixturePurgeNote.findByPk(note.refId!), null, "back on: its rows go with the content");
  t.truthy(await Content.findByPk(orphan.id), "a type no module registers is never purged without its rows");
});
