import test from "ava";
import { QueryTypes } from "sequelize";
import type { TestApp } from "../helpers/app.ts";
import { publish } from "../helpers/content.ts";
import { contentLinks, search, startSearchApp } from "./helpers.ts";

let app: TestApp;
test.before(async () => {
  app = await startSearchApp();
});
test.after.always(() => app?.close());

const sql = (query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query(query, { replacements });
/** Inserts a row and returns its id (tests run one at a time, so the newest id is ours). */
const insertId = async (query: string, replacements: Record<string, unknown>) => {
  await sql(query, replacements);
  const table = /INSERT INTO (\w+)/.exec(query)![1];
  const [row] = await app.app.sequelize.query<{ id: number }>(`SELECT MAX(id) AS id FROM ${table}`, { type: QueryTypes.SELECT });
  return Number(row.id);
};

async function club(slug: string, name: string, description: string, visibility: "open" | "private" | "secret", members: number[] = []) {
  const id = await insertId("INSERT INTO fixture_clubs (slug, name, description, visibility, created_at) VALUES (:slug, :name, :description, :visibility, :now)", {
    slug,
    name,
    description,
    visibility,
    now: new Date(),
  });
  for (const userId of members) await sql("INSERT INTO fixture_club_members (club_id, user_id) VALUES (:id, :userId)", { id, userId });
  return id;
}

/** A module's content written by SQL alone, as any writer could: the triggers index it. */
async function memo(authorId: number, title: string, text: string) {
  const memoId = await insertId("INSERT INTO fixture_memos (title, text) VALUES (:title, :text)", { title, text });
  const now = new Date();
  const contentId = await insertId(
    `INSERT INTO contents (type, ref_id, container_type, container_id, stream_key, author_id, sort_at, comment_count, reaction_count, created_at, updated_at)
     VALUES ('fixture-memo', :memoId, 'company', 0, 'company:0', :authorId, :now, 0, 0, :now, :now)`,
    { memoId, authorId, now },
  );
  return { memoId, contentId };
}

test.serial("a module's container type: listed ones for members, secret ones for their members only", async (t) => {
  const insider = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const guest = await app.signedIn("guest");
  await club("astronomy", "Astronomy Circle", "Stargazing nebula nights", "open");
  await club("chess", "Chess Society", "Nebula openings and endgames", "private");
  await club("velvet", "Velvet Lodge", "Nebula rituals", "secret", [insider.userId]);

  const seen = (await search(outsider.client, "nebula", { type: "fixture-club" })).main;
  t.true(seen.includes('href="/fixture-clubs/astronomy"'));
  t.true(seen.includes('href="/fixture-clubs/chess"'), "a private club is listed");
  t.false(seen.includes("velvet") || seen.includes("Velvet"), "a secret club is not");
  t.true((await search(insider.client, "nebula", { type: "fixture-club" })).main.includes('href="/fixture-clubs/velvet"'));
  t.false((await search(guest.client, "nebula", { type: "fixture-club" })).main.includes("/fixture-clubs/"), "guests see only their own clubs");

  // The "All" tab shows the clubs above the other results.
  const all = (await search(insider.client, "velvet")).main;
  t.true(all.includes("Clubs"));
  t.true(all.includes('href="/fixture-clubs/velvet"'));
});

test.serial("posts in a secret club stay with its members; renaming a club updates the index", async (t) => {
  const insider = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const id = await club("hidden-garden", "Hidden Garden", "Plants", "secret", [insider.userId]);
  const post = await publish(insider.client, { target: `fixture-club:${id}`, body: "Orchid cuttings available" });
  t.deepEqual(contentLinks((await search(insider.client, "orchid")).main), [post]);
  t.deepEqual(contentLinks((await search(outsider.client, "orchid")).main), []);

  await sql("UPDATE fixture_clubs SET name = 'Secret Arboretum', visibility = 'open' WHERE id = :id", { id });
  const renamed = (await search(outsider.client, "arboretum", { type: "fixture-club" })).main;
  t.true(renamed.includes('href="/fixture-clubs/hidden-garden"'), "now open: listed and readable");
  t.deepEqual(contentLinks((await search(outsider.client, "orchid")).main), [post]);
  t.false((await search(outsider.client, "garden", { type: "fixture-club" })).main.includes("hidden-garden"));
});

test.serial("a module's content type: indexed from its own tables, in step with every change", async (t) => {
  const author = await app.signedIn("member");
  const { memoId, contentId } = await memo(author.userId, "Kiln schedule", "Pottery firing on Tuesday");
  const tab = { type: "fixture-memo" };
  t.deepEqual(contentLinks((await search(author.client, "pottery", tab)).main), [contentId]);
  t.true((await search(author.client, "pottery")).main.includes("Memos"), "the result carries the module's label");

  await sql("INSERT INTO fixture_memo_lines (memo_id, line) VALUES (:memoId, 'Bring glazes')", { memoId });
  t.deepEqual(contentLinks((await search(author.client, "glazes", tab)).main), [contentId], "text from a related table");
  await sql("UPDATE fixture_memos SET title = 'Furnace plan' WHERE id = :memoId", { memoId });
  t.deepEqual(contentLinks((await search(author.client, "kiln")).main), []);
  t.deepEqual(contentLinks((await search(author.client, "furnace")).main), [contentId]);
  await sql("UPDATE contents SET deleted_at = :now WHERE id = :contentId", { now: new Date(), contentId });
  t.deepEqual(contentLinks((await search(author.client, "furnace")).main), []);
  await sql("UPDATE contents SET deleted_at = NULL WHERE id = :contentId", { contentId });
  t.deepEqual(contentLinks((await search(author.client, "furnace")).main), [contentId]);
  await sql("DELETE FROM contents WHERE id = :contentId", { contentId });
  t.deepEqual(contentLinks((await search(author.client, "furnace")).main), []);
});

test.serial("switching the module off removes its kinds from search at once; on again, they are back", async (t) => {
  const member = await app.signedIn("member");
  await club("ceramics", "Ceramics Guild", "Porcelain", "open");
  const { contentId } = await memo(member.userId, "Porcelain order", "Porcelain cups");
  t.true((await search(member.client, "porcelain")).main.includes("/fixture-clubs/ceramics"));
  await app.app.registry.disable("fixture-clubs");
  try {
    const off = (await search(member.client, "porcelain")).main;
    t.false(off.includes("/fixture-clubs/ceramics"));
    t.deepEqual(contentLinks(off), []);
    t.is((await search(member.client, "porcelain", { type: "fixture-club" })).status, 400, "its tab is gone");
  } finally {
    await app.app.registry.enable("fixture-clubs");
  }
  const on = (await search(member.client, "porcelain")).main;
  t.true(on.includes("/fixture-clubs/ceramics"));
  t.deepEqual(contentLinks(on), [contentId]);
});

test.serial("installing again finds nothing to do; a changed declaration is reinstalled and re-indexed", async (t) => {
  const { installSearch } = await import("../../core/search/install.ts");
  t.false(await installSearch(app.app.sequelize, app.app.registry));
  const definition = app.app.registry.containerTypes.get("fixture-club")!;
  const original = definition.search!;
  await club("rowing", "Rowing Team", "Regatta", "open");
  const member = await app.signedIn("member");
  try {
    definition.search = { ...original, body: "r.description || ' ' || r.slug", columns: [...(original.columns ?? []), "slug"] };
    await installSearch(app.app.sequelize, app.app.registry);
    t.true((await search(member.client, "rowing", { type: "fixture-club" })).main.includes("/fixture-clubs/rowing"));
    t.true((await search(member.client, "regatta", { type: "fixture-club" })).main.includes("/fixture-clubs/rowing"));
    await sql("UPDATE fixture_clubs SET slug = 'sculling' WHERE slug = 'rowing'");
    t.true((await search(member.client, "sculling", { type: "fixture-club" })).main.includes("/fixture-clubs/sculling"), "the new triggers index the new body");
  } finally {
    definition.search = original;
    await installSearch(app.app.sequelize, app.app.registry);
  }
  t.false((await search(member.client, "sculling", { type: "fixture-club" })).main.includes("/fixture-clubs/sculling"));
});
