import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish } from "../helpers/content.ts";
import { statementsFor } from "../helpers/queries.ts";
import { createGroup } from "../../modules/groups/test/helpers.ts";

// "N new posts since your last visit" at the top of the dashboard: counted from the reader's previous
// dashboard, only in streams they follow, and a reload with nothing new writes nothing.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const banner = (html: string) => /<p class="new-posts"[^>]*>([^<]*)<\/p>/.exec(html)?.[1] ?? null;
const writes = (statements: string[]) => statements.filter((sql) => /^\s*(UPDATE|INSERT|DELETE)/i.test(sql.replace(/^Execut(?:ed|ing) \([^)]*\): /, "")));

test.serial("new posts since the last dashboard are counted once, in the reader's streams only", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  t.is(banner((await reader.client.get("/")).text), null, "first visit: nothing to announce");

  await publish(author.client, { target: "company:0", body: "First news" });
  await publish(author.client, { target: "company:0", body: "Second news" });
  const secret = await createGroup(outsider.client, { name: "Not the reader's", visibility: "secret" });
  await publish(outsider.client, { target: `group:${secret.id}`, body: "Elsewhere" });

  t.is(banner((await reader.client.get("/")).text), "2 new posts since your last visit");
  t.is(banner((await reader.client.get("/")).text), null, "seen: not announced again");

  await publish(author.client, { target: "company:0", body: "Third news" });
  await app.app.sequelize.query("UPDATE users SET language = 'fr' WHERE id = :id", { replacements: { id: reader.userId } });
  t.is(banner((await reader.client.get("/")).text), "1 nouvelle publication depuis votre dernière visite");
});

test.serial("a reload with nothing new writes nothing; one with news remembers the visit", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  await reader.client.get("/");
  t.deepEqual(writes(await statementsFor(app, reader.client, "/")), []);
  await publish(author.client, { target: "company:0", body: "News for the reload" });
  t.is(writes(await statementsFor(app, reader.client, "/")).length, 1);
  t.deepEqual(writes(await statementsFor(app, reader.client, "/")), []);
});

const counts = (statements: string[]) => statements.filter((sql) => /SELECT COUNT\(\*\) AS count FROM \(SELECT id FROM contents/.test(sql));

test.serial("a reload whose newest entry is older than the visit counts nothing; activity on an old post is not a new post", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Old news" });
  await reader.client.get("/");
  t.deepEqual(counts(await statementsFor(app, reader.client, "/")), [], "nothing newer than the visit: no count");
  // A comment moves the post to the top (newest activity) but it is no new post.
  t.is((await author.client.post(`/c/${id}/comments`, { body: "Still relevant" })).status, 302);
  const page = await reader.client.get("/");
  t.is(banner(page.text), null);
  t.true(page.text.includes("Old news"));
  await publish(author.client, { target: "company:0", body: "Fresh news" });
  t.is(banner((await reader.client.get("/")).text), "1 new post since your last visit");
});
