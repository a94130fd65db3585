import path from "node:path";
import { QueryTypes } from "sequelize";
import test from "ava";
import { fixtureModules, startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { publish } from "../helpers/content.ts";
import { statementsFor } from "../helpers/queries.ts";
import { addMember, createGroup, type CreatedGroup } from "../../modules/groups/test/helpers.ts";

// A group module's content shows on the dashboard, in the group's stream and in "N new posts" only where the
// group has the module on. The stream page is read without the gate first (core/content/stream.ts): these
// tests put the module's content at the top of the page, where skipping the gate wrongly would show it.
const searchableModule = path.resolve(import.meta.dirname, "../fixtures/searchable-module");
const moduleId = "fixture-group-memos";

let app: TestApp;
let owner: Client;
let reader: Client;
let offGroup: CreatedGroup;
let onGroup: CreatedGroup;

const contentLinks = (html: string) => [...new Set([...html.matchAll(/href="\/c\/(\d+)(?:#[^"]*)?"/g)].map((match) => Number(match[1])))];
const banner = (html: string) => /<p class="new-posts"[^>]*>([^<]*)<\/p>/.exec(html)?.[1] ?? null;
const switchModule = (group: CreatedGroup, state: "enabled" | "disabled") => owner.post(`${group.url}/modules/${moduleId}`, { state });
const streamStatements = (statements: string[]) => statements.filter((sql) => /SELECT (\* FROM contents WHERE stream_key|c\.\* FROM unnest)/.test(sql));

async function postMemo(group: CreatedGroup, title: string): Promise<number> {
  const response = await owner.post(`${group.url}/${moduleId}`, { title, text: `${title}, the memo` });
  const match = /^\/c\/(\d+)$/.exec(response.location);
  if (response.status !== 302 || !match) throw new Error(`memo refused: ${response.status} ${response.text.slice(0, 300)}`);
  return Number(match[1]);
}

test.before(async () => {
  app = await startApp({ AGORA_MODULE_PATHS: ["modules", fixtureModules, searchableModule].join(path.delimiter) });
  const ownerAccount = await app.signedIn("member");
  owner = ownerAccount.client;
  const readerAccount = await app.signedIn("member");
  reader = readerAccount.client;
  offGroup = await createGroup(owner, { name: "Gate keepers", visibility: "private" });
  onGroup = await createGroup(owner, { name: "Gate openers", visibility: "open" });
  for (const group of [offGroup, onGroup]) {
    await addMember(group.id, readerAccount.userId);
    if ((await switchModule(group, "enabled")).status !== 302) throw new Error("switch refused");
  }
});
test.after.always(() => app?.close());

test.serial("a memo in a group that switched the module off never shows on the dashboard nor in the group, nor counts as news", async (t) => {
  const posts = [];
  for (let index = 0; index < 3; index += 1) posts.push(await publish(owner, { target: `group:${offGroup.id}`, body: `Plain post ${index}` }));
  await reader.get("/"); // the last visit, for "N new posts"
  const openMemo = await postMemo(onGroup, "Open memo");
  const hiddenMemo = await postMemo(offGroup, "Hidden memo");

  // On in both: both memos on top, read with one stream statement and one look at the switches.
  let statements = await statementsFor(app, reader, "/?filter=all");
  let dashboard = (await reader.get("/")).text;
  t.deepEqual(contentLinks(dashboard).slice(0, 2), [hiddenMemo, openMemo]);
  t.is(streamStatements(statements).length, 1, "the page read once");
  t.false(streamStatements(statements)[0].includes("module_states gate"), "without the gate");
  t.true(statements.some((sql) => sql.includes("FROM module_states WHERE state = 'enabled'")), "the switches of the memos' groups asked");

  t.is((await switchModule(offGroup, "disabled")).status, 302);
  await reader.get("/"); // seen
  const laterMemo = await postMemo(onGroup, "Later memo");
  t.is((await switchModule(onGroup, "enabled")).status, 302);
  statements = await statementsFor(app, reader, "/?filter=all");
  dashboard = (await reader.get("/")).text;
  const shown = contentLinks(dashboard);
  t.false(shown.includes(hiddenMemo), "switched off: not on the dashboard");
  t.deepEqual(shown.slice(0, 2), [laterMemo, openMemo], "the other group's memos stay");
  for (const post of posts) t.true(shown.includes(post), `the group's own posts stay (${post})`);
  t.is(streamStatements(statements).length, 2, "read again with the gate");
  t.true(streamStatements(statements)[1].includes("module_states gate"));

  const group = (await reader.get(offGroup.url)).text;
  t.false(contentLinks(group).includes(hiddenMemo), "nor in the group's stream");
  t.true(contentLinks(group).includes(posts[2]));
});

test.serial("a memo written while on, in a group that then switches the module off, is no news", async (t) => {
  t.is((await switchModule(offGroup, "enabled")).status, 302);
  t.true(contentLinks((await reader.get("/")).text).length > 0);
  t.is(banner((await reader.get("/")).text), null, "seen");
  const memo = await postMemo(offGroup, "Quiet memo");
  t.is((await switchModule(offGroup, "disabled")).status, 302);
  const dashboard = (await reader.get("/")).text;
  t.is(banner(dashboard), null, "not counted");
  t.false(contentLinks(dashboard).includes(memo), "nor shown");
  t.is((await switchModule(offGroup, "enabled")).status, 302);
  const again = (await reader.get("/")).text;
  t.is(contentLinks(again)[0], memo, "on again: back on top");
});

test.serial("a memo in a group that switched the module off does not open by its address either, nor take comments or reactions", async (t) => {
  t.is((await switchModule(offGroup, "enabled")).status, 302);
  const memo = await postMemo(offGroup, "Addressed memo");
  t.is((await reader.get(`/c/${memo}`)).status, 200, "on: it opens");
  t.is((await switchModule(offGroup, "disabled")).status, 302);
  for (const client of [reader, owner]) {
    const page = await client.get(`/c/${memo}`);
    t.is(page.status, 404, "off: as if it were not there, for a member and for the group's owner");
    t.false(page.text.includes("Addressed memo"));
  }
  const comment = await reader.post(`/c/${memo}/comments`, { body: "Still here?" });
  t.is(comment.status, 404, "no comment on it");
  t.is((await reader.post(`/c/${memo}/react`, { kind: "like" })).status, 404, "no reaction on it");
  const [{ count }] = await app.app.sequelize.query<{ count: number }>("SELECT COUNT(*) AS count FROM comments WHERE content_id = :memo", { replacements: { memo }, type: QueryTypes.SELECT });
  t.is(Number(count), 0, "nothing written");
  t.is((await switchModule(offGroup, "enabled")).status, 302);
  t.is((await reader.get(`/c/${memo}`)).status, 200, "on again: it opens again");
});
