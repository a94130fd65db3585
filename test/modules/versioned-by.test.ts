import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { entryHtml } from "../comments/helpers.ts";
import { addMember, createGroup, type CreatedGroup } from "../../modules/groups/test/helpers.ts";
import type { Client } from "../helpers/client.ts";

// A content type names the module tables its entries show (versionedBy) and core keeps triggers on them:
// a vote written straight into the fixture's votes table moves its poll's render version, so the reader's
// cached entry (cacheable: true) shows the new count on the next load. The same poll without the
// declaration ("fixture-poll-unversioned") keeps showing the old count: the cache is really in the way.
let app: TestApp;
test.before(async () => {
  app = await startApp();
  await app.app.registry.enable("fixture-votes", "forced");
});
test.after.always(() => app?.close());

/** Writes a poll through the fixture's group route; returns its content id and its poll row id. */
async function poll(client: Client, group: CreatedGroup, question: string, versioned = true) {
  const { Content } = await import("../../core/models/content.ts");
  const response = await client.post(`${group.url}/fixture-votes`, { question, versioned: versioned ? "1" : "0" });
  const match = /^\/c\/(\d+)$/.exec(response.location);
  if (response.status !== 302 || !match) throw new Error(`poll refused: ${response.status} ${response.text.slice(0, 300)}`);
  const contentId = Number(match[1]);
  return { contentId, pollId: (await Content.findByPk(contentId))!.refId! };
}

const countIn = (html: string) => /class="fixture-poll"[^>]*>[^<]*: (\d+) votes?/.exec(html)?.[1] ?? null;
const renderVersion = async (contentId: number) => {
  const { Content } = await import("../../core/models/content.ts");
  return (await Content.findByPk(contentId))!.renderVersion;
};

async function setUp() {
  const owner = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: `Votes ${owner.userId}`, visibility: "open" });
  await addMember(group.id, reader.userId);
  return { owner, reader, group };
}

test.serial("a vote shows on the next load of a cached entry; without versionedBy the entry stays stale", async (t) => {
  const { owner, reader, group } = await setUp();
  const versioned = await poll(owner.client, group, "Pizza on Friday?");
  const control = await poll(owner.client, group, "Sushi on Friday?", false);
  const counts = async () => {
    const page = (await reader.client.get("/")).text;
    return { versioned: countIn(entryHtml(page, versioned.contentId)), control: countIn(entryHtml(page, control.contentId)) };
  };
  t.deepEqual(await counts(), { versioned: "0", control: "0" });
  t.deepEqual(await counts(), { versioned: "0", control: "0" }, "both entries now come from the reader's cache");

  for (const { pollId } of [versioned, control]) t.is((await owner.client.post(`${group.url}/fixture-votes/${pollId}/vote`, {})).status, 204);
  t.deepEqual(await counts(), { versioned: "1", control: "0" }, "the declared table moved the poll's version; the control is served stale");

  const { sequelize } = app.app;
  const before = await renderVersion(versioned.contentId);
  await sequelize.query("UPDATE fixture_votes SET user_id = user_id WHERE poll_id = :poll", { replacements: { poll: versioned.pollId } });
  t.true((await renderVersion(versioned.contentId)) > before, "an update moves it too");
  await sequelize.query("DELETE FROM fixture_votes WHERE poll_id = :poll", { replacements: { poll: versioned.pollId } });
  t.is((await counts()).versioned, "0", "and a delete");
});

test.serial("the triggers follow the declaration at each start: installed once, dropped when it goes, a bad one logged and skipped", async (t) => {
  const { installVersionTriggers } = await import("../../core/content/versioned-by.ts");
  const { sequelize, registry } = app.app;
  const { owner, group } = await setUp();
  const { contentId, pollId } = await poll(owner.client, group, "Tea or coffee?");
  const vote = () => owner.client.post(`${group.url}/fixture-votes/${pollId}/vote`, {});
  const moves = async () => {
    const before = await renderVersion(contentId);
    t.is((await vote()).status, 204);
    return (await renderVersion(contentId)) > before;
  };
  t.deepEqual(await installVersionTriggers(sequelize, registry), [], "installed at start: nothing to do now");
  t.true(await moves());

  const definition = registry.contentTypes.get("fixture-poll")!;
  const declared = definition.versionedBy;
  try {
    delete definition.versionedBy;
    t.deepEqual(await installVersionTriggers(sequelize, registry), []);
    t.false(await moves(), "a declaration that went takes its triggers with it");

    definition.versionedBy = [{ table: "fixture_no_such_table", contentRef: "poll_id" }];
    t.deepEqual(await installVersionTriggers(sequelize, registry), [], "a missing table is logged, not fatal");
    definition.versionedBy = ["fixture_votes; DROP TABLE users"];
    t.deepEqual(await installVersionTriggers(sequelize, registry), [], "a name that is no identifier is refused");
    t.false(await moves());
  } finally {
    definition.versionedBy = declared;
  }
  t.deepEqual(await installVersionTriggers(sequelize, registry), ["fixture-poll"], "declared again: installed again");
  t.true(await moves());
});
