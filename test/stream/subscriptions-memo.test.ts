import test, { type ExecutionContext } from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { User } from "../../core/models/user.ts";
import { follow, unfollow } from "../../core/commands/follow-writer.ts";
import { userContainerType } from "../../core/content/core-containers.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import { statementsFor } from "../helpers/queries.ts";
import { addMember, createGroup } from "../../modules/groups/test/helpers.ts";

// Whom a reader follows and which groups they are in are kept in memory across requests while
// users.subscriptions_version stays put (core/util/reader-memo.ts). Changes made by another process are
// stood in for by raw SQL through the app's connection: no model hook of this process hears of them, only
// the database's triggers do.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const follows = /\buser_follows\b/;
const memberships = /\bgroup_memberships\b/;
const yourGroups = (html: string) => {
  const start = html.indexOf('<nav class="dashboard-panel"');
  return start < 0 ? "" : html.slice(start, html.indexOf("</nav>", start));
};
const raw = (sql: string, replacements: Record<string, unknown>) => app.app.sequelize.query(sql, { replacements });

test.serial("a second dashboard load reads neither follows nor memberships", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const group = await createGroup(author.client, { name: "Memo readers", visibility: "private" });
  await addMember(group.id, reader.userId);
  t.is((await reader.client.post(`/u/${await usernameOf(author.userId)}/follow`, {})).status, 302);

  const first = await statementsFor(app, reader.client, "/");
  t.true(first.some((sql) => follows.test(sql)), first.join("\n"));
  t.true(first.some((sql) => memberships.test(sql)), first.join("\n"));
  const second = await statementsFor(app, reader.client, "/");
  t.deepEqual(second.filter((sql) => follows.test(sql) || memberships.test(sql)), []);
  t.true(second.length < first.length);
});

/** Two loads: the second is served from the memo (checked), so what follows starts warm. */
async function warm(t: ExecutionContext, client: Client) {
  await client.get("/");
  t.deepEqual((await statementsFor(app, client, "/")).filter((sql) => follows.test(sql) || memberships.test(sql)), [], "the memo is warm");
}

test.serial("a follow started and stopped by another process shows on the next dashboard", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  await publish(author.client, { target: `user:${author.userId}`, body: "From the person followed elsewhere" });
  t.false((await reader.client.get("/")).text.includes("From the person followed elsewhere"));
  await warm(t, reader.client);

  await raw("INSERT INTO user_follows (follower_id, followed_id, created_at) VALUES (:reader, :author, :now)", { reader: reader.userId, author: author.userId, now: new Date() });
  t.true((await reader.client.get("/")).text.includes("From the person followed elsewhere"));
  await warm(t, reader.client);

  await raw("DELETE FROM user_follows WHERE follower_id = :reader AND followed_id = :author", { reader: reader.userId, author: author.userId });
  t.false((await reader.client.get("/")).text.includes("From the person followed elsewhere"));
});

test.serial("a membership added by another process shows on the next dashboard and in \"Your groups\"", async (t) => {
  const owner = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const joined = await createGroup(owner.client, { name: "Memo joined", visibility: "private" });
  await publish(owner.client, { target: `group:${joined.id}`, body: "From the group joined elsewhere" });
  const before = (await reader.client.get("/")).text;
  t.false(before.includes("From the group joined elsewhere"));
  t.false(yourGroups(before).includes("Memo joined"));
  await warm(t, reader.client);

  await raw("INSERT INTO group_memberships (group_id, user_id, role, show_on_dashboard, notification_level, created_at, updated_at) VALUES (:group, :reader, 'member', :yes, 'all', :now, :now)", {
    group: joined.id,
    reader: reader.userId,
    yes: true,
    now: new Date(),
  });
  const after = (await reader.client.get("/")).text;
  t.true(after.includes("From the group joined elsewhere"));
  t.true(yourGroups(after).includes("Memo joined"));
});

test.serial("a membership removed by another process leaves the next dashboard and \"Your groups\"", async (t) => {
  const owner = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const kept = await createGroup(owner.client, { name: "Memo left", visibility: "private" });
  await addMember(kept.id, reader.userId);
  await publish(owner.client, { target: `group:${kept.id}`, body: "From the group left elsewhere" });
  const before = (await reader.client.get("/")).text;
  t.true(before.includes("From the group left elsewhere"));
  t.true(yourGroups(before).includes("Memo left"));
  await warm(t, reader.client);

  await raw("DELETE FROM group_memberships WHERE group_id = :group AND user_id = :reader", { group: kept.id, reader: reader.userId });
  const after = (await reader.client.get("/")).text;
  t.false(after.includes("From the group left elsewhere"));
  t.false(yourGroups(after).includes("Memo left"));
});

test.serial("a group renamed by another process is renamed in its members' \"Your groups\"", async (t) => {
  const owner = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Memo before", visibility: "private" });
  await addMember(group.id, reader.userId);
  t.true(yourGroups((await reader.client.get("/")).text).includes("Memo before"));
  await warm(t, reader.client);

  await raw(`UPDATE "groups" SET name = 'Memo after', sort_name = 'memo after' WHERE id = :group`, { group: group.id });
  const panel = yourGroups((await reader.client.get("/")).text);
  t.true(panel.includes("Memo after"), panel);
  t.false(panel.includes("Memo before"));

  await raw(`UPDATE "groups" SET is_archived = :yes WHERE id = :group`, { group: group.id, yes: true });
  t.false(yourGroups((await reader.client.get("/")).text).includes("Memo after"), "an archived group leaves the panel");
});

test.serial("following and joining through the app show at once", async (t) => {
  const author = await app.signedIn("member");
  const owner = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Memo open", visibility: "open" });
  await publish(author.client, { target: `user:${author.userId}`, body: "Seen once followed" });
  await publish(owner.client, { target: `group:${group.id}`, body: "Seen once joined" });
  const before = (await reader.client.get("/")).text;
  t.false(before.includes("Seen once followed") || before.includes("Seen once joined"));
  await warm(t, reader.client);

  const username = await usernameOf(author.userId);
  t.is((await reader.client.post(`/u/${username}/follow`, {})).status, 302);
  t.true((await reader.client.get("/")).text.includes("Seen once followed"));
  t.is((await reader.client.post(`${group.url}/join`, {})).status, 302);
  const joined = (await reader.client.get("/")).text;
  t.true(joined.includes("Seen once joined"));
  t.true(yourGroups(joined).includes("Memo open"));

  t.is((await reader.client.post(`/u/${username}/unfollow`, {})).status, 302);
  t.false((await reader.client.get("/")).text.includes("Seen once followed"));
  t.is((await reader.client.post(`${group.url}/leave`, {})).status, 302);
  const left = (await reader.client.get("/")).text;
  t.false(left.includes("Seen once joined"));
  t.false(yourGroups(left).includes("Memo open"));
});

test.serial("deleting a group or an account that others follow still works, and readers' versions move", async (t) => {
  const owner = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Memo doomed", visibility: "private" });
  await addMember(group.id, reader.userId);
  await raw("INSERT INTO user_follows (follower_id, followed_id, created_at) VALUES (:reader, :owner, :now), (:owner, :reader, :now)", { reader: reader.userId, owner: owner.userId, now: new Date() });
  const versionOf = async (userId: number) => {
    const [rows] = await raw("SELECT subscriptions_version AS v FROM users WHERE id = :userId", { userId });
    return Number((rows as { v: number }[])[0].v);
  };
  const before = await versionOf(reader.userId);
  t.true(yourGroups((await reader.client.get("/")).text).includes("Memo doomed"));

  await raw(`DELETE FROM "groups" WHERE id = :group`, { group: group.id });
  t.true((await versionOf(reader.userId)) > before);
  t.false(yourGroups((await reader.client.get("/")).text).includes("Memo doomed"));

  // The account's follows go with it, both ways: its own bump finds no row, its follower's moves.
  const middle = await versionOf(reader.userId);
  await raw("DELETE FROM users WHERE id = :owner", { owner: owner.userId });
  t.is((await raw("SELECT 1 FROM user_follows WHERE follower_id = :owner OR followed_id = :owner", { owner: owner.userId }))[0].length, 0);
  t.true((await versionOf(reader.userId)) > middle, "the reader no longer follows the deleted account");
  t.is((await reader.client.get("/")).status, 200);
});

test.serial("a follow written in this process is seen through a User object read before it", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  // As within one request: the account (and its subscriptions_version) was read before the write.
  const user = (await User.findByPk(reader.userId))!;
  const followed = (await User.findByPk(author.userId))!;
  t.deepEqual(await userContainerType.dashboardIds(user), [reader.userId]);
  await follow(app.app.registry, user, followed);
  t.deepEqual(await userContainerType.dashboardIds(user), [reader.userId, author.userId]);
  await unfollow(user, followed);
  t.deepEqual(await userContainerType.dashboardIds(user), [reader.userId]);
});
