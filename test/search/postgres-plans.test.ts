import test from "ava";
import type { TestApp } from "../helpers/app.ts";
import { isPostgres, postgresOnlyTest } from "../helpers/database.ts";
import { publish } from "../helpers/content.ts";
import { startSearchApp } from "./helpers.ts";

// PostgreSQL reads "the newest N matches" three ways (core/search/postgres-engine.ts): through the GIN
// index, in id windows, or windows then GIN. A test database is small, so the planner always picks the
// first; here each way is forced and must give exactly the same answers.
let app: TestApp;
test.before(async () => {
  if (isPostgres) app = await startSearchApp();
});
test.after.always(() => app?.close());

// PostgreSQL only: SQLite's FTS5 walks its index newest first.
postgresOnlyTest("every PostgreSQL reading plan returns the same newest matches", async (t) => {
  const { PostgresEngine } = await import("../../core/search/postgres-engine.ts");
  const { ContentPolicy } = await import("../../core/policies/content.ts");
  const { visibilityFilter } = await import("../../core/search/visibility.ts");
  const { parseQuery } = await import("../../core/search/query.ts");
  const { User } = await import("../../core/models/user.ts");
  const { client, userId } = await app.signedIn("member");
  for (let index = 0; index < 30; index += 1) {
    await publish(client, { target: "company:0", title: index % 7 === 0 ? "Meerkat news" : undefined, body: index % 3 === 0 ? `Meerkat burrow ${index}` : `Otter den ${index}` });
  }
  const policy = new ContentPolicy(app.app.registry, await User.findByPk(userId));
  const filter = await visibilityFilter(app.app.registry, policy);
  const engines = {
    gin: new PostgresEngine(app.app.sequelize),
    windows: new PostgresEngine(app.app.sequelize, { bitmap: 0, windowScan: 1_000_000, minWindow: 3 }),
    windowsThenGin: new PostgresEngine(app.app.sequelize, { bitmap: 0, windowScan: 6, minWindow: 3 }),
  };
  for (const [words, options] of [
    ["meerkat", {}],
    ["otter", {}],
    ["meerkat", { inTitle: true }],
    ["meerkat burrow", { before: 20 }],
    ["nothing-like-this", {}],
  ] as const) {
    for (const limit of [1, 4, 50]) {
      const request = { terms: parseQuery(words), kinds: ["post", "comment", "file"], filter, limit, ...options };
      const expected = (await engines.gin.find(request)).map((hit) => hit.id);
      t.deepEqual((await engines.windows.find(request)).map((hit) => hit.id), expected, `${words} ${limit} windows`);
      t.deepEqual((await engines.windowsThenGin.find(request)).map((hit) => hit.id), expected, `${words} ${limit} windows then GIN`);
      if (limit === 50 && words === "meerkat" && !("inTitle" in options)) t.is(expected.length, 13, "10 by body, 3 more by title");
    }
  }
});
