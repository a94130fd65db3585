import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import { statementsFor } from "../helpers/queries.ts";
import { isPostgres } from "../helpers/database.ts";

// The profile stream is a hot path: each of its two branches must be able to walk its partial index,
// (author_id, sort_at, id) and (stream_key, sort_at, id), and stop at the page size.
let app: TestApp;
test.before(async () => {
  app = await startApp({ AGORA_ENTRY_CACHE_MB: "0" });
});
test.after.always(() => app?.close());

test.serial("the profile statement reads the author and stream indexes", async (t) => {
  const person = await app.signedIn("member");
  const reader = await app.signedIn("member");
  await publish(person.client, { target: "company:0", body: "Indexed hello" });
  const statements = await statementsFor(app, reader.client, `/u/${await usernameOf(person.userId)}`);
  const profile = statements.filter((sql) => sql.includes("UNION ALL") && sql.includes("author_id ="));
  t.is(profile.length, 1, "one statement reads the page");
  const sql = profile[0].replace(/^Executing \([^)]*\): /, "");
  const sequelize = app.app.sequelize;
  let plan: string;
  if (isPostgres) {
    // A test database is tiny and the planner would rightly scan it; forbid that to see which index it can use.
    plan = await sequelize.transaction(async (transaction) => {
      await sequelize.query("SET LOCAL enable_seqscan = off", { transaction });
      const rows = await sequelize.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, { type: QueryTypes.SELECT, transaction });
      return rows.map((row) => row["QUERY PLAN"]).join("\n");
    });
  } else {
    const rows = await sequelize.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, { type: QueryTypes.SELECT });
    plan = rows.map((row) => row.detail).join("\n");
  }
  t.regex(plan, /contents_author/, plan);
  t.regex(plan, /contents_stream/, plan);
});
