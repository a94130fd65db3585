import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish } from "../helpers/content.ts";
import { queriesFor } from "../helpers/queries.ts";
import { comment } from "../comments/helpers.ts";
import { report } from "./helpers.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());


test.serial("a page of the moderation queue costs the same number of queries with a few items as with a full page", async (t) => {
  const admin = await app.signedIn("admin");
  const authors = [await app.signedIn("member"), await app.signedIn("member")];
  const readers = [await app.signedIn("member"), await app.signedIn("member")];
  const reportSome = async (count: number) => {
    for (let index = 0; index < count; index += 1) {
      const author = authors[index % authors.length];
      const id = await publish(author.client, { target: "company:0", body: `Reported ${index}` });
      for (const reader of readers) await report(reader.client, id, { note: `note ${index}` });
      // Every item of the page comes with a reported comment too.
      await report(readers[0].client, await comment(author.client, id, `Comment ${index}`), { reason: "harassment" }, "comments");
    }
  };
  await reportSome(2);
  await admin.client.get("/moderation");
  const small = await queriesFor(app, admin.client, "/moderation");
  await reportSome(15);
  const large = await queriesFor(app, admin.client, "/moderation");
  t.true(small > 0);
  t.is(large, small);
  const page = (await admin.client.get("/moderation")).text;
  t.is(page.match(/class="card moderation-item"/g)?.length, 20, "a full page");
});
