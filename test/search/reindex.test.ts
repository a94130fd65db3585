import path from "node:path";
import test from "ava";
import { QueryTypes } from "sequelize";
import type { TestApp } from "../helpers/app.ts";
import { fixtureModules } from "../helpers/app.ts";
import { isPostgres } from "../helpers/database.ts";
import { publish } from "../helpers/content.ts";
import { comment } from "../comments/helpers.ts";
import { agora } from "../ops/processes.ts";
import { contentLinks, search, searchFixtures, startSearchApp } from "./helpers.ts";

let app: TestApp;
test.before(async () => {
  app = await startSearchApp();
});
test.after.always(() => app?.close());

const count = async (sql: string) => Number((await app.app.sequelize.query<{ count: number }>(sql, { type: QueryTypes.SELECT }))[0].count);

test.serial("`agora search:reindex` rebuilds a lost index from the data", async (t) => {
  const { client } = await app.signedIn("member", { displayName: "Rosalind Reindex" });
  const post = await publish(client, { target: "company:0", title: "Lighthouse", body: "Keeper rota" });
  await comment(client, post, "Foghorn maintenance");
  const before = await count("SELECT COUNT(*) AS count FROM search_documents");

  await app.app.sequelize.query("DELETE FROM search_documents");
  t.deepEqual(contentLinks((await search(client, "lighthouse")).main), []);

  const env: Record<string, string> = {
    AGORA_DATA_DIR: app.config.dataDir,
    AGORA_MODULE_PATHS: ["modules", fixtureModules, searchFixtures].join(path.delimiter),
    ...(isPostgres ? { DATABASE_URL: app.config.databaseUrl } : {}),
  };
  const result = await agora(["search:reindex"], env);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^Indexed .*\d+ person.*\d+ post.* in [\d.]+ s\.$/m);

  t.is(await count("SELECT COUNT(*) AS count FROM search_documents"), before);
  t.deepEqual(contentLinks((await search(client, "lighthouse")).main), [post]);
  t.true((await search(client, "foghorn")).main.includes(`href="/c/${post}#comment-`));
  t.true((await search(client, "rosalind", { type: "person" })).main.includes("Rosalind Reindex"));
  // Writes after the re-index are indexed by the triggers as before.
  const later = await publish(client, { target: "company:0", body: "Lighthouse tour" });
  t.deepEqual(contentLinks((await search(client, "lighthouse", { sort: "newest" })).main), [later, post]);
  if (!isPostgres) {
    // The FTS tables agree with search_documents after triggers, deletes and the rebuild.
    await app.app.sequelize.query("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)");
    await app.app.sequelize.query("INSERT INTO search_names(search_names, rank) VALUES ('integrity-check', 1)");
    await app.app.sequelize.query("INSERT INTO search_titles(search_titles, rank) VALUES ('integrity-check', 1)");
  }
});

test.serial("documents are written oldest first, so ids follow time across kinds", async (t) => {
  const { reindexAll } = await import("../../core/search/install.ts");
  const counts = await reindexAll(app.app.sequelize, app.app.registry);
  t.true((counts.get("person") ?? 0) > 0);
  const rows = await app.app.sequelize.query<{ sort_at: string | Date }>("SELECT sort_at FROM search_documents ORDER BY id", { type: QueryTypes.SELECT });
  const times = rows.map((row) => new Date(row.sort_at).getTime());
  t.deepEqual(times, [...times].sort((a, b) => a - b));
});
