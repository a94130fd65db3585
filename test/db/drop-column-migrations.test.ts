import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish } from "../helpers/content.ts";
import { addMember, createGroup } from "../../modules/groups/test/helpers.ts";
import { coreMigrations } from "../../core/app.ts";
import { createMigrator } from "../../core/db/migrate.ts";

// Migrations whose down drops a column (core/db/migrate.ts dropColumn): coming down and going up again must
// keep every row, also the rows of other tables that refer to the altered one (on SQLite, dropping a table
// with foreign keys on would delete them).
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const counted = ["users", "sessions", "contents", "comments", "reactions", "group_memberships", "notification_settings", "user_follows"];
async function counts() {
  const [row] = await app.app.sequelize.query<Record<string, number | string>>(`SELECT ${counted.map((table) => `(SELECT COUNT(*) FROM ${table}) AS ${table}`).join(", ")}`, { type: QueryTypes.SELECT });
  return Object.fromEntries(Object.entries(row).map(([table, count]) => [table, Number(count)]));
}
const columnsOf = async (table: string) => Object.keys(await app.app.sequelize.getQueryInterface().describeTable(table));

// Each with the later migrations that need it, which come down first.
for (const [migration, table, column, dependents] of [
  ["core/20261123113000-notification-digest-hour", "notification_settings", "digest_hour", []],
  ["core/20261123140000-render-versions", "contents", "render_version", ["core/20261205120000-link-previews", "groups/20261124030000-render-epoch-triggers", "groups/20261205100000-permissions-epoch", "polls/20261205120500-quiz-optouts-epoch", "recognition/20261205110500-jurors-epoch"]],
  ["groups/20261124010000-directory-mappings", "group_memberships", "source", []],
] as const) {
  test.serial(`${migration} comes down and goes up again without losing a row`, async (t) => {
    const owner = await app.signedIn("member");
    const reader = await app.signedIn("member");
    const group = await createGroup(owner.client, { name: `Keep rows ${column}`, visibility: "open" });
    await addMember(group.id, reader.userId);
    const postId = await publish(owner.client, { target: "company:0", body: `Kept through ${migration}` });
    const now = new Date();
    await app.app.sequelize.query("INSERT INTO reactions (content_id, user_id, kind, created_at) VALUES (:postId, :reader, 'like', :now)", { replacements: { postId, reader: reader.userId, now } });
    await app.app.sequelize.query("INSERT INTO user_follows (follower_id, followed_id, created_at) VALUES (:reader, :owner, :now)", { replacements: { reader: reader.userId, owner: owner.userId, now } });
    const before = await counts();
    t.true(before.group_memberships > 0 && before.reactions > 0 && before.sessions > 0);

    const migrator = createMigrator(app.app.sequelize, [coreMigrations, ...app.app.registry.migrationSources()]);
    await migrator.down({ migrations: [...dependents, migration] });
    t.false((await columnsOf(table)).includes(column));
    t.deepEqual(await counts(), before);
    await migrator.up({ migrations: [migration, ...dependents] });
    t.true((await columnsOf(table)).includes(column));
    t.deepEqual(await counts(), before);
    t.is((await reader.client.get("/")).status, 200);
  });
}
