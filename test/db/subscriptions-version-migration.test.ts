import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../helpers/app.ts";
import { addMember, createGroup } from "../../modules/groups/test/helpers.ts";
import { coreMigrations } from "../../core/app.ts";
import { createMigrator } from "../../core/db/migrate.ts";

// users.subscriptions_version and the triggers that move it (core/db/subscriptions-version.ts): they must
// not move the render epoch, and their migrations must come down and go up again without losing a row.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const select = <T extends object>(sql: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements });
const versionOf = async (userId: number) => Number((await select<{ v: number }>("SELECT subscriptions_version AS v FROM users WHERE id = :userId", { userId }))[0].v);
const epoch = async () => Number((await select<{ value: number }>("SELECT value FROM render_epoch WHERE id = 1"))[0].value);
const migrations = ["groups/20261124040000-subscriptions-version-triggers", "core/20261124040000-subscriptions-version"];

async function triggerNames(): Promise<string[]> {
  const rows =
    app.app.sequelize.getDialect() === "postgres"
      ? await select<{ name: string }>("SELECT tgname AS name FROM pg_trigger WHERE tgname LIKE 'subscriptions_version%'")
      : await select<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'subscriptions_version%'");
  return rows.map((row) => row.name).sort();
}

test.serial("a bump moves only the reader's version, not the render epoch; an unchanged group update moves nothing", async (t) => {
  const owner = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const other = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Version club", visibility: "open" });
  await addMember(group.id, reader.userId);
  const [readerBefore, otherBefore, epochBefore] = [await versionOf(reader.userId), await versionOf(other.userId), await epoch()];

  await app.app.sequelize.query("INSERT INTO user_follows (follower_id, followed_id, created_at) VALUES (:reader, :other, :now)", { replacements: { reader: reader.userId, other: other.userId, now: new Date() } });
  t.is(await versionOf(reader.userId), readerBefore + 1);
  t.is(await versionOf(other.userId), otherBefore, "the followed person's subscriptions did not change");
  t.is(await epoch(), epochBefore, "no name, role or status changed");

  await app.app.sequelize.query(`UPDATE "groups" SET name = name, description = 'Something else' WHERE id = :id`, { replacements: { id: group.id } });
  t.is(await versionOf(reader.userId), readerBefore + 1, "neither what the dashboard shows of the group nor a membership changed");
  await app.app.sequelize.query(`UPDATE group_memberships SET notification_level = 'none' WHERE group_id = :id`, { replacements: { id: group.id } });
  t.is(await versionOf(reader.userId), readerBefore + 1);
  await app.app.sequelize.query(`UPDATE group_memberships SET show_on_dashboard = :no WHERE group_id = :id AND user_id = :reader`, { replacements: { id: group.id, reader: reader.userId, no: false } });
  t.is(await versionOf(reader.userId), readerBefore + 2);
});

test.serial("the migrations come down and go up again, keeping every account and what refers to it", async (t) => {
  const follower = await app.signedIn("member");
  const followed = await app.signedIn("member");
  await app.app.sequelize.query("INSERT INTO user_follows (follower_id, followed_id, created_at) VALUES (:a, :b, :now)", { replacements: { a: follower.userId, b: followed.userId, now: new Date() } });
  const counts = async () => (await select<{ users: number; follows: number; sessions: number }>("SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM user_follows) AS follows, (SELECT COUNT(*) FROM sessions) AS sessions"))[0];
  const before = await counts();
  t.true((await triggerNames()).length > 0);

  const migrator = createMigrator(app.app.sequelize, [coreMigrations, ...app.app.registry.migrationSources()]);
  await migrator.down({ migrations });
  t.deepEqual(await triggerNames(), []);
  const columns = Object.keys(await app.app.sequelize.getQueryInterface().describeTable("users"));
  t.false(columns.includes("subscriptions_version"));
  t.deepEqual(await counts(), before);

  await migrator.up({ migrations: [...migrations].reverse() });
  t.true((await triggerNames()).length > 0);
  t.deepEqual(await counts(), before);
  t.is(await versionOf(follower.userId), 0);
  await app.app.sequelize.query("DELETE FROM user_follows WHERE follower_id = :a", { replacements: { a: follower.userId } });
  t.is(await versionOf(follower.userId), 1);
  t.is((await follower.client.get("/")).status, 200);
});
