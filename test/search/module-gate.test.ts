import path from "node:path";
import test from "ava";
import { fixtureModules, startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { usernameOf } from "../helpers/content.ts";
import { addMember, createGroup, type CreatedGroup } from "../../modules/groups/test/helpers.ts";
import { contentLinks, countOf, search, suggestions } from "./helpers.ts";

// A module switched off in one group takes its searchable items in that group out of search (page,
// tab and count), leaves them in other groups, and leaves people and groups alone (content_type NULL).
const searchableModule = path.resolve(import.meta.dirname, "../fixtures/searchable-module");
const moduleId = "fixture-group-memos";

let app: TestApp;
let owner: Client;
let reader: Client;
let outsider: Client;
let personUrl: string;
let privateGroup: CreatedGroup;
let openGroup: CreatedGroup;
let privateMemo: number;
let openMemo: number;

/** Posts a memo through the module's own group route; returns its content id (from the redirect to /c/:id). */
async function postMemo(client: Client, group: CreatedGroup, title: string, text: string): Promise<number> {
  const response = await client.post(`${group.url}/${moduleId}`, { title, text });
  const match = /^\/c\/(\d+)$/.exec(response.location);
  if (response.status !== 302 || !match) throw new Error(`memo refused: ${response.status} ${response.text.slice(0, 300)}`);
  return Number(match[1]);
}

/** The group admin's switch on the group's Modules tab. */
const switchModule = (group: CreatedGroup, state: "enabled" | "disabled") => owner.post(`${group.url}/modules/${moduleId}`, { state });

test.before(async () => {
  app = await startApp({ AGORA_MODULE_PATHS: ["modules", fixtureModules, searchableModule].join(path.delimiter) });
  const ownerAccount = await app.signedIn("member");
  owner = ownerAccount.client;
  const readerAccount = await app.signedIn("member");
  reader = readerAccount.client;
  outsider = (await app.signedIn("member")).client;
  personUrl = `/u/${encodeURIComponent(await usernameOf((await app.createUser({ displayName: "Fenella Foghorn" })).userId))}`;
  privateGroup = await createGroup(owner, { name: "Foghorn keepers", visibility: "private" });
  openGroup = await createGroup(owner, { name: "Foghorn pilots", visibility: "open" });
  for (const group of [privateGroup, openGroup]) await addMember(group.id, readerAccount.userId);
});
test.after.always(() => app?.close());

test.serial("a group module is off in a group until its admin switches it on there", async (t) => {
  t.is((await owner.post(`${privateGroup.url}/${moduleId}`, { title: "Too early", text: "Foghorn" })).status, 404);
  for (const group of [privateGroup, openGroup]) t.is((await switchModule(group, "enabled")).status, 302);
  privateMemo = await postMemo(owner, privateGroup, "Lamp rota", "Foghorn maintenance on Monday");
  openMemo = await postMemo(owner, openGroup, "Harbour drill", "Foghorn drill at noon");
  t.is((await reader.get(`/c/${privateMemo}`)).status, 200);
});

test.serial("on in both groups: members find both items, next to the people and groups", async (t) => {
  const { main } = await search(reader, "foghorn");
  t.deepEqual(contentLinks(main).sort(), [privateMemo, openMemo].sort());
  t.true(main.includes("Group memos"), "the module's label on its results");
  for (const url of [personUrl, privateGroup.url, openGroup.url]) t.true(main.includes(`href="${url}"`), url);
  const tab = (await search(reader, "foghorn", { type: "fixture-group-memo" })).main;
  t.deepEqual(contentLinks(tab).sort(), [privateMemo, openMemo].sort());
  t.is(countOf(tab), 2);
});

test.serial("a non-member never sees the private group's item, only the open group's", async (t) => {
  t.deepEqual(contentLinks((await search(outsider, "foghorn")).main), [openMemo]);
  t.deepEqual(contentLinks((await search(outsider, "maintenance", { type: "fixture-group-memo" })).main), []);
  t.is((await outsider.get(`/c/${privateMemo}`)).status, 404);
});

test.serial("switched off in one group: its item leaves search there only; people and groups stay", async (t) => {
  t.is((await switchModule(privateGroup, "disabled")).status, 302);
  const { main } = await search(reader, "foghorn");
  t.deepEqual(contentLinks(main), [openMemo], "the other group's item stays");
  for (const url of [personUrl, privateGroup.url, openGroup.url]) t.true(main.includes(`href="${url}"`), `${url} still found`);
  const tab = (await search(reader, "foghorn", { type: "fixture-group-memo" })).main;
  t.deepEqual(contentLinks(tab), [openMemo]);
  t.is(countOf(tab), 1, "the count leaves it out too");
  t.deepEqual(contentLinks((await search(reader, "maintenance")).main), [], "not by its own words either");
  t.deepEqual(contentLinks((await search(owner, "maintenance")).main), [], "not for the group's admin either");

  // Groups' and people's documents have no content type: a gate that is not NULL-safe drops them.
  const groups = (await search(reader, "foghorn", { type: "group" })).main;
  for (const url of [privateGroup.url, openGroup.url]) t.true(groups.includes(`href="${url}"`), `${url} on the Groups tab`);
  t.true((await search(reader, "fenella", { type: "person" })).main.includes(`href="${personUrl}"`));
  const suggested = await suggestions(reader, "foghorn");
  t.is(suggested.status, 200);
  t.deepEqual(suggested.body.people.map((person: { url: string }) => person.url), [personUrl]);
  t.deepEqual(suggested.body.containers.map((container: { url: string }) => container.url).sort(), [privateGroup.url, openGroup.url].sort());
});

test.serial("switched on again: the item is back for members, still not for non-members", async (t) => {
  t.is((await switchModule(privateGroup, "enabled")).status, 302);
  t.deepEqual(contentLinks((await search(reader, "foghorn")).main).sort(), [privateMemo, openMemo].sort());
  t.deepEqual(contentLinks((await search(reader, "maintenance", { type: "fixture-group-memo" })).main), [privateMemo]);
  t.deepEqual(contentLinks((await search(outsider, "foghorn")).main), [openMemo]);
});
