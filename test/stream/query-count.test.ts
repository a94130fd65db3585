import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import { queriesFor, statementsFor } from "../helpers/queries.ts";

let app: TestApp;
// The entry cache off: every request loads and renders its entries, the cost counted here (the cached
// path has its own count in test/stream/entry-cache.test.ts).
test.before(async () => {
  app = await startApp({ AGORA_ENTRY_CACHE_MB: "0" });
});
test.after.always(() => app?.close());


test.serial("a stream page costs the same number of queries with 3 entries as with 20", async (t) => {
  const reader = await app.signedIn("member");
  const authors = [await app.signedIn("member"), await app.signedIn("member"), await app.signedIn("member")];
  for (const author of authors) await publish(author.client, { target: "company:0", body: `Hello from ${author.account.displayName} #weekly` });
  await reader.client.get("/");
  const small = { dashboard: await queriesFor(app, reader.client, "/"), topic: await queriesFor(app, reader.client, "/topics/weekly") };

  for (let index = 0; index < 30; index += 1) {
    const author = authors[index % authors.length];
    await publish(author.client, { target: "company:0", body: `Post ${index} by ${author.account.displayName} #weekly` });
  }
  await reader.client.get("/");
  const large = { dashboard: await queriesFor(app, reader.client, "/"), topic: await queriesFor(app, reader.client, "/topics/weekly") };
  t.true(small.dashboard > 0);
  t.deepEqual(large, small);
});

test.serial("a profile page costs the same number of queries with 3 entries as with 20, the follow figures in one", async (t) => {
  const reader = await app.signedIn("member");
  const person = await app.signedIn("member");
  const username = await usernameOf(person.userId);
  for (let index = 0; index < 3; index += 1) await publish(person.client, { target: `user:${person.userId}`, body: `Profile note ${index}` });
  await reader.client.get(`/u/${username}`);
  const small = await statementsFor(app, reader.client, `/u/${username}`);

  for (let index = 3; index < 30; index += 1) await publish(person.client, { target: `user:${person.userId}`, body: `Profile note ${index}` });
  await reader.client.post(`/u/${username}/follow`);
  const page = await reader.client.get(`/u/${username}`);
  t.true(page.text.includes("Profile note 29") && page.text.includes("1 follower"));
  const large = await statementsFor(app, reader.client, `/u/${username}`);
  t.is(large.length, small.length);
  t.is(large.filter((sql) => /user_follows/.test(sql)).length, 1, "followers, following and 'do I follow' in one statement");
  t.is(large.filter((sql) => /FROM [`"]?user_profiles[`"]? AS/.test(sql)).length, 1, "the profile row read once");
});
