import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { publish } from "../helpers/content.ts";
import { statementsFor } from "../helpers/queries.ts";
import { entryHtml } from "../comments/helpers.ts";
import { addMember, createGroup, type CreatedGroup } from "../../modules/groups/test/helpers.ts";
import { markContent, unmarkContent } from "../fixtures/modules/fixture-decorator/index.ts";

// Entry decorators (host.entryDecorators), proven by test/fixtures/modules/fixture-decorator: a badge on
// each content marked in its table. The entry cache is on (the default), so a stale badge would show.
let app: TestApp;
let admin: Client;
let author: { client: Client; userId: number };
let reader: { client: Client; userId: number };
let chosen: CreatedGroup;
let unchosen: CreatedGroup;
const ids: Record<"answered" | "plain" | "inChosen" | "inUnchosen", number> = { answered: 0, plain: 0, inChosen: 0, inUnchosen: 0 };

/** The badges in an entry's header, as text ("✔ Answered -> /c/1" for a link). */
function badgesOf(page: string, contentId: number): string[] {
  const head = /<header class="entry-head">[\s\S]*?<\/header>/.exec(entryHtml(page, contentId))?.[0];
  if (!head) throw new Error(`entry ${contentId} is not on the page`);
  return [...head.matchAll(/<(a|span) class="badge entry-badge( \w+)?"(?: href="([^"]+)")?>([\s\S]*?)<\/\1>/g)].map(([, , tone, href, text]) => {
    const shown = text.replace(/<[^>]+>/g, "").replace(/\s+/g, " ").trim();
    return `${shown}${tone ? ` [${tone.trim()}]` : ""}${href ? ` -> ${href}` : ""}`;
  });
}

test.before(async () => {
  app = await startApp();
  admin = (await app.signedIn("admin")).client;
  author = await app.signedIn("member", { displayName: "Ann Author" });
  reader = await app.signedIn("member", { displayName: "Rita Reader" });
  for (const id of ["groups", "fixture-decorator"]) {
    const enabled = await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" });
    if (enabled.status !== 302) throw new Error(`set-up refused: ${enabled.status}`);
  }
  chosen = await createGroup(author.client, { name: "Badged readers", visibility: "open" });
  unchosen = await createGroup(author.client, { name: "Plain readers", visibility: "open" });
  for (const group of [chosen, unchosen]) await addMember(group.id, reader.userId);
  await app.app.registry.setContainerState("fixture-decorator", { type: "group", id: chosen.id, slug: chosen.slug, name: "" }, "enabled");

  ids.answered = await publish(author.client, { target: "company:0", body: "How do I book a room?" });
  ids.plain = await publish(author.client, { target: "company:0", body: "Lunch is served" });
  ids.inChosen = await publish(author.client, { target: `group:${chosen.id}`, body: "Closed question in a badged group" });
  ids.inUnchosen = await publish(author.client, { target: `group:${unchosen.id}`, body: "Closed question in a plain group" });
  await markContent(app.app.sequelize, ids.answered, "answered");
  await markContent(app.app.sequelize, ids.answered, "kudos", 3);
  await markContent(app.app.sequelize, ids.inChosen, "closed");
  await markContent(app.app.sequelize, ids.inUnchosen, "closed");
});
test.after.always(() => app?.close());

test.serial("the dashboard shows each marked entry's badges in its header, in order, and none on the others", async (t) => {
  const page = (await reader.client.get("/")).text;
  t.deepEqual(badgesOf(page, ids.answered), [`✔ Answered [ok] -> /c/${ids.answered}`, "3 kudos"]);
  t.deepEqual(badgesOf(page, ids.plain), []);
  t.deepEqual(badgesOf(page, ids.inChosen), ["Closed [warn]"]);
  t.deepEqual(badgesOf(page, ids.inUnchosen), [], "the module is off in that group");
});

test.serial("a group's stream and an entry's own page show the same badges, only where the module is on", async (t) => {
  t.deepEqual(badgesOf((await reader.client.get(chosen.url)).text, ids.inChosen), ["Closed [warn]"]);
  t.deepEqual(badgesOf((await reader.client.get(unchosen.url)).text, ids.inUnchosen), []);
  t.deepEqual(badgesOf((await reader.client.get(`/c/${ids.answered}`)).text, ids.answered), [`✔ Answered [ok] -> /c/${ids.answered}`, "3 kudos"]);
  t.deepEqual(badgesOf((await reader.client.get(`/c/${ids.inChosen}`)).text, ids.inChosen), ["Closed [warn]"]);
  t.deepEqual(badgesOf((await reader.client.get(`/c/${ids.inUnchosen}`)).text, ids.inUnchosen), []);
  t.deepEqual(badgesOf((await reader.client.get(`/c/${ids.plain}`)).text, ids.plain), []);
});

test.serial("a badge that comes or goes shows on the next load, though the entry's HTML was cached", async (t) => {
  await reader.client.get("/");
  const warm = await statementsFor(app, reader.client, "/");
  t.false(warm.some((sql) => /FROM [`"]posts[`"]/.test(sql)), "the page's entries come from the entry cache");
  await markContent(app.app.sequelize, ids.plain, "kudos", 1);
  await unmarkContent(app.app.sequelize, ids.answered);
  const page = (await reader.client.get("/")).text;
  t.deepEqual(badgesOf(page, ids.plain), ["1 kudo"]);
  t.deepEqual(badgesOf(page, ids.answered), []);
  t.deepEqual(badgesOf(page, ids.inChosen), ["Closed [warn]"], "the others unchanged");
  await markContent(app.app.sequelize, ids.answered, "answered");
  t.deepEqual(badgesOf((await reader.client.get("/")).text, ids.answered), [`✔ Answered [ok] -> /c/${ids.answered}`]);
});

test.serial("badges cost one statement per page, whatever the number of entries", async (t) => {
  const fresh = await app.signedIn("member");
  await addMember(chosen.id, fresh.userId);
  const reads = (statements: string[]) => statements.filter((sql) => /fixture_decorator_marks/.test(sql)).length;
  await fresh.client.get("/account");
  const small = { dashboard: await statementsFor(app, fresh.client, "/"), group: await statementsFor(app, fresh.client, chosen.url) };
  for (let index = 0; index < 20; index += 1) {
    const id = await publish(author.client, { target: index % 2 ? "company:0" : `group:${chosen.id}`, body: `Busy post ${index}` });
    await markContent(app.app.sequelize, id, "kudos", index + 2);
  }
  const other = await app.signedIn("member");
  await addMember(chosen.id, other.userId);
  await other.client.get("/account");
  const large = { dashboard: await statementsFor(app, other.client, "/"), group: await statementsFor(app, other.client, chosen.url) };
  t.is((await other.client.get("/")).text.match(/ kudos<\/span>/g)?.length, 20);
  t.is(reads(small.dashboard), 1);
  t.is(reads(large.dashboard), 1);
  t.is(reads(large.group), 1);
  t.is(large.dashboard.length, small.dashboard.length, "as many statements with 24 entries as with 4");
  t.is(large.group.length, small.group.length);
  const warm = await statementsFor(app, other.client, "/");
  t.is(reads(warm), 1, "read for cached entries too: their badges are part of the cache key");
});

test.serial("a decorator that throws leaves its badges out and the page up", async (t) => {
  await markContent(app.app.sequelize, ids.plain, "broken");
  try {
    const page = await reader.client.get(`/c/${ids.plain}`);
    t.is(page.status, 200);
    t.true(page.text.includes("Lunch is served"));
    t.deepEqual(badgesOf(page.text, ids.plain), []);
  } finally {
    await unmarkContent(app.app.sequelize, ids.plain);
  }
  await markContent(app.app.sequelize, ids.plain, "closed");
  t.deepEqual(badgesOf((await reader.client.get(`/c/${ids.plain}`)).text, ids.plain), ["Closed [warn]"]);
});

test.serial("switched off for the site, no badge shows anywhere", async (t) => {
  t.is((await admin.post("/admin/modules/fixture-decorator/disable")).status, 302);
  try {
    t.false((await reader.client.get("/")).text.includes("entry-badge"));
    t.false((await reader.client.get(chosen.url)).text.includes("entry-badge"));
    for (const id of Object.values(ids)) t.deepEqual(badgesOf((await reader.client.get(`/c/${id}`)).text, id), []);
  } finally {
    await admin.post("/admin/modules/fixture-decorator/enable", { state: "enabled" });
  }
});
