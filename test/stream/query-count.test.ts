import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish } from "../helpers/content.ts";
import type { Client } from "../helpers/client.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

/** Counts the SQL statements one request runs, through Sequelize's logging hook. */
async function queriesFor(client: Client, path: string) {
  const options = app.app.sequelize.options as { logging?: unknown };
  const previous = options.logging;
  let count = 0;
  options.logging = () => {
    count += 1;
  };
  try {
    const response = await client.get(path);
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
  } finally {
    options.logging = previous;
  }
  return count;
}

test.serial("a stream page costs the same number of queries with 3 entries as with 20", async (t) => {
  const reader = await app.signedIn("member");
  const authors = [await app.signedIn("member"), await app.signedIn("member"), await app.signedIn("member")];
  for (const author of authors) await publish(author.client, { target: "company:0", body: `Hello from ${author.account.displayName} #weekly` });
  await reader.client.get("/");
  const small = { dashboard: await queriesFor(reader.client, "/"), topic: await queriesFor(reader.client, "/topics/weekly") };

  for (let index = 0; index < 30; index += 1) {
    const author = authors[index % authors.length];
    await publish(author.client, { target: "company:0", body: `Post ${index} by ${author.account.displayName} #weekly` });
  }
  await reader.client.get("/");
  const large = { dashboard: await queriesFor(reader.client, "/"), topic: await queriesFor(reader.client, "/topics/weekly") };
  t.true(small.dashboard > 0);
  t.deepEqual(large, small);
});
