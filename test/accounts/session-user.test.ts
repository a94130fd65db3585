import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { statementsFor } from "../helpers/queries.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const userById = /FROM [`"]users[`"] AS [`"]User[`"] WHERE [`"]User[`"]\.[`"]id[`"] = /;

test.serial("a signed-in page reads the account with the session, in one query", async (t) => {
  const { client, account } = await app.signedIn("member");
  const statements = await statementsFor(app, client, "/notifications");
  const sessionReads = statements.filter((sql) => /FROM [`"]?sessions[`"]?/.test(sql));
  t.is(sessionReads.length, 1);
  t.regex(sessionReads[0], /JOIN [`"]?users[`"]?/);
  t.deepEqual(statements.filter((sql) => userById.test(sql)), []);
  const page = await client.get("/notifications");
  t.is(page.status, 200);
  t.true(page.text.includes(account.displayName));
});

test.serial("the bell's count and the render epoch come with that query, not in statements of their own", async (t) => {
  const { client } = await app.signedIn("member");
  const statements = await statementsFor(app, client, "/");
  t.deepEqual(statements.filter((sql) => /FROM [`"]?notifications[`"]?/.test(sql) && !/FROM [`"]?sessions[`"]?/.test(sql)), []);
  t.deepEqual(statements.filter((sql) => /FROM render_epoch/.test(sql) && !/FROM [`"]?sessions[`"]?/.test(sql)), []);
  t.regex((await client.get("/")).text, /data-unread-count hidden>0</);
});

test.serial("an expired session signs nobody in", async (t) => {
  const { client, userId } = await app.signedIn("member");
  t.is((await client.get("/")).status, 200);
  await app.app.sequelize.query("UPDATE sessions SET expires_at = :past WHERE user_id = :userId", { replacements: { past: new Date(Date.now() - 1000), userId } });
  const after = await client.get("/");
  t.is(after.status, 302);
  t.regex(after.location, /^\/login/);
});
