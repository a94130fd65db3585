import test from "ava";
import { DatabaseError, DataTypes, Model, type ModelStatic, type QueryOptionsWithModel } from "sequelize";
import { startApp, type TestApp } from "../helpers/app.ts";
import { statementsOf } from "../helpers/queries.ts";
import { isPostgres } from "../helpers/database.ts";
import { columnDate, modelRows } from "../../core/db/model-rows.ts";
import { positional } from "../../core/db/sqlite-statements.ts";
import { Content } from "../../core/models/content.ts";
import { User } from "../../core/models/user.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

/** What Sequelize's own query makes of the same rows: the reference modelRows must match. */
function sequelizeRows<M extends Model>(model: ModelStatic<M>, sql: string, replacements: Record<string, unknown>): Promise<M[]> {
  return model.sequelize!.query(sql, { replacements, model, mapToModel: true, tableNames: [model.tableName] } as QueryOptionsWithModel<M>);
}

/** An instance as its fields and their types: a Date and its ISO text must not compare equal. */
function described(instance: Model) {
  return Object.entries(instance.get({ plain: true }) as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => [
    key,
    value instanceof Date ? `Date ${value.toISOString()}` : `${value === null ? "null" : typeof value} ${JSON.stringify(value)}`,
  ]);
}

class Probe extends Model {
  declare id: number;
  declare seenAt: Date;
  declare laterAt: Date | null;
  declare flagged: boolean;
  declare settings: unknown;
  declare ratio: number;
}

test.serial("rows read by modelRows are the instances Sequelize's query makes: dates, booleans, JSON, nulls, extra columns", async (t) => {
  const sequelize = app.app.sequelize;
  Probe.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      seenAt: { type: DataTypes.DATE, allowNull: false },
      laterAt: { type: DataTypes.DATE, allowNull: true },
      flagged: { type: DataTypes.BOOLEAN, allowNull: false },
      settings: { type: DataTypes.JSON, allowNull: true },
      ratio: { type: DataTypes.FLOAT, allowNull: true },
    },
    { sequelize, tableName: "model_row_probes", underscored: true, timestamps: false },
  );
  await Probe.sync({ force: true });
  await Probe.bulkCreate([
    { seenAt: new Date("2026-01-02T03:04:05.678Z"), laterAt: null, flagged: true, settings: { a: [1, "<b>"] }, ratio: 0.25 },
    { seenAt: new Date("2026-07-08T09:10:11Z"), laterAt: new Date("2027-01-01T00:00:00Z"), flagged: false, settings: null, ratio: null },
  ]);
  const sql = "SELECT p.*, p.id * 2 AS agora_double FROM model_row_probes p WHERE p.id IN (:ids) ORDER BY p.id";
  const ids = (await Probe.findAll()).map((probe) => probe.id);
  const ours = await modelRows(Probe, sql, { ids });
  const reference = await sequelizeRows(Probe, sql, { ids });
  t.is(ours.length, 2);
  t.deepEqual(ours.map(described), reference.map(described));
  t.true(ours[0].seenAt instanceof Date);
  t.is(ours[0].seenAt.toISOString(), "2026-01-02T03:04:05.678Z");
  t.is(ours[0].flagged, true);
  t.is(ours[1].flagged, false);
  t.deepEqual(ours[0].settings, { a: [1, "<b>"] });
  t.is(ours[1].laterAt?.toISOString(), "2027-01-01T00:00:00.000Z");
  // A read row, not a new one: saving it updates, nothing is marked changed.
  t.false(ours[0].isNewRecord);
  t.deepEqual(ours[0].changed(), false);
  t.is(ours[0].previous("ratio"), 0.25, "its previous values are the values read");
  // It saves as a read row does: only what changed is written.
  ours[1].flagged = true;
  t.deepEqual(ours[1].changed(), ["flagged"]);
  t.is(ours[1].previous("flagged"), false);
  await sequelize.query("UPDATE model_row_probes SET ratio = 0.5 WHERE id = :id", { replacements: { id: ours[1].id } });
  await ours[1].save();
  const [saved] = await sequelizeRows(Probe, "SELECT * FROM model_row_probes WHERE id = :id", { id: ours[1].id });
  t.is(saved.flagged, true);
  t.is(saved.ratio, 0.5, "a column not changed here is not written back");
  t.deepEqual(ours[1].changed(), false);
  await Probe.drop();
});

test.serial("contents and accounts read by modelRows equal Sequelize's, and the statement is logged once", async (t) => {
  const { client, userId } = await app.signedIn("member");
  t.is((await client.post("/posts", { target: "company:0", body: "A post for the reader" })).status, 302);
  const contentSql = "SELECT * FROM contents WHERE author_id = :userId ORDER BY id";
  const { result: contents, statements } = await statementsOf(app, () => modelRows(Content, contentSql, { userId }));
  t.is(contents.length, 1);
  t.deepEqual(contents.map(described), (await sequelizeRows(Content, contentSql, { userId })).map(described));
  t.true(contents[0].sortAt instanceof Date);
  t.is(statements.length, 1);
  t.regex(statements[0], /SELECT \* FROM contents WHERE author_id = \d+ ORDER BY id/);

  const userSql = "SELECT u.*, 'x' AS agora_extra FROM users u WHERE u.id = :userId";
  const [user] = await modelRows(User, userSql, { userId });
  t.deepEqual(described(user), described((await sequelizeRows(User, userSql, { userId }))[0]));
  t.is((user.dataValues as Record<string, unknown>).agora_extra, "x");
});

test("a statement the database refuses is a DatabaseError", async (t) => {
  const error = await t.throwsAsync(modelRows(Content, "SELECT * FROM no_such_table WHERE id = :id", { id: 1 }));
  t.true(error instanceof DatabaseError, String(error));
});

test("named replacements become bound parameters; quoted text and comments are left alone", (t) => {
  const at = new Date("2026-11-24T05:41:52.769Z");
  const { sql, params } = positional("SELECT ':skip', \"a:b\", `c:d` FROM t WHERE id IN (:ids) AND at > :at AND flag = :flag AND x = 'it''s :not' AND y = :y AND z IN (:none)", {
    ids: [1, 2, 3],
    at,
    flag: true,
    y: "O'Brien :y",
    none: [],
  });
  t.is(sql, "SELECT ':skip', \"a:b\", `c:d` FROM t WHERE id IN (?, ?, ?) AND at > ? AND flag = ? AND x = 'it''s :not' AND y = ? AND z IN (NULL)");
  t.deepEqual(params, [1, 2, 3, "2026-11-24 05:41:52.769 +00:00", 1, "O'Brien :y"]);
  const commented = "SELECT a -- why: :notMe\nFROM t /* nor :this */ WHERE b = :b -- trailing :c";
  t.deepEqual(positional(commented, { b: 2 }), { sql: "SELECT a -- why: :notMe\nFROM t /* nor :this */ WHERE b = ? -- trailing :c", params: [2] }, "comments are text");
  t.deepEqual(positional(commented, { b: [4, 5] }).params, [4, 5], "the same text again, with other values");
  t.is(positional("SELECT x::text, :v", { v: 1 }).sql, "SELECT x::text, ?", "a cast is not a replacement");
  t.throws(() => positional("SELECT :missing", {}), { message: /:missing/ });
  t.throws(() => positional("SELECT :gone", { gone: undefined }), { message: /undefined/ });
});

// SQLite only: statements are kept (prepared per connection) there alone.
if (!isPostgres) test.serial("a kept statement follows the schema: a column added shows, a table dropped is an error, then works again once recreated", async (t) => {
  const sequelize = app.app.sequelize;
  class Kept extends Model {}
  Kept.init({ id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true }, label: DataTypes.STRING }, { sequelize, tableName: "kept_statement_probes", underscored: true, timestamps: false });
  await Kept.sync({ force: true });
  await Kept.create({ label: "one" });
  const sql = "SELECT * FROM kept_statement_probes WHERE id > :after";
  t.deepEqual(Object.keys((await modelRows(Kept, sql, { after: 0 }))[0].dataValues).sort(), ["id", "label"]);
  await sequelize.query("ALTER TABLE kept_statement_probes ADD COLUMN extra TEXT DEFAULT 'x'");
  t.is((await modelRows(Kept, sql, { after: 0 }))[0].dataValues.extra, "x");
  await sequelize.query("DROP TABLE kept_statement_probes");
  await t.throwsAsync(modelRows(Kept, sql, { after: 0 }), { instanceOf: DatabaseError });
  await Kept.sync({ force: true });
  await Kept.create({ label: "two" });
  t.deepEqual((await modelRows(Kept, sql, { after: 0 })).map((row) => row.dataValues.label), ["two"]);
  await Kept.drop();
});

test("an alias date column reads as the model's own: text without an offset is UTC whatever the host's zone", (t) => {
  const zone = process.env.TZ;
  // Synchronous from here to the end: no other test of this file runs under the changed zone.
  process.env.TZ = "America/New_York";
  try {
    t.is(columnDate("2026-11-24 03:24:45.806")?.toISOString(), "2026-11-24T03:24:45.806Z");
    t.is(columnDate("2026-11-24 03:24:45.806 +00:00")?.toISOString(), "2026-11-24T03:24:45.806Z");
    t.is(columnDate("2026-11-24 04:24:45.806 +01:00")?.toISOString(), "2026-11-24T03:24:45.806Z");
  } finally {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  }
  const date = new Date("2026-11-24T03:24:45.806Z");
  t.is(columnDate(date), date, "PostgreSQL's Date as it is");
  t.is(columnDate(null), null);
});
