import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { statementsFor } from "../helpers/queries.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const userById = /FROM [`"]users[`"] AS [`"]User[`"] WHERE [`"]User[`"]\.[`"]id[`"] = /;

test("a signed-in page reads the account with the session, in one query", async (t) => {
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
