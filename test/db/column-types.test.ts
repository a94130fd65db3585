import test from "ava";
import sqlite3 from "sqlite3";
import { DataTypes, Model } from "sequelize";
import { startApp, type TestApp } from "../helpers/app.ts";
import { isPostgres } from "../helpers/database.ts";
import { User } from "../../core/models/user.ts";

// Counts what reaches the SQLite driver; set before the app opens its connections so they see it.
const driverCalls: string[] = [];
const driverAll = sqlite3.Database.prototype.all;
sqlite3.Database.prototype.all = function (this: sqlite3.Database, sql: string, ...rest: unknown[]) {
  driverCalls.push(sql);
  return (driverAll as (...args: unknown[]) => unknown).call(this, sql, ...rest) as sqlite3.Database;
} as typeof driverAll;

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

class Probe extends Model {
  declare id: number;
  declare seenAt: Date;
  declare flagged: boolean;
  declare laterAt: Date | null;
}

test.serial("dates and booleans still come back typed after the schema changes under a running app", async (t) => {
  const sequelize = app.app.sequelize;
  const attributes = {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    seenAt: { type: DataTypes.DATE, allowNull: false },
    flagged: { type: DataTypes.BOOLEAN, allowNull: false },
  };
  Probe.init(attributes, { sequelize, tableName: "column_type_probes", underscored: true, timestamps: false });
  await Probe.sync({ force: true });
  await Probe.create({ seenAt: new Date("2026-01-02T03:04:05Z"), flagged: true });
  const [first] = await Probe.findAll();
  t.true(first.seenAt instanceof Date);
  t.is(first.flagged, true);

  // A column added after the table's types were read must be parsed too (the remembered types are dropped).
  await sequelize.getQueryInterface().addColumn("column_type_probes", "later_at", { type: DataTypes.DATE, allowNull: true });
  Probe.init({ ...attributes, laterAt: { type: DataTypes.DATE, allowNull: true } }, { sequelize, tableName: "column_type_probes", underscored: true, timestamps: false });
  await Probe.update({ laterAt: new Date("2026-05-06T07:08:09Z") }, { where: { id: first.id } });
  const [again] = await Probe.findAll();
  t.true(again.laterAt instanceof Date);
  t.is(again.laterAt?.toISOString(), "2026-05-06T07:08:09.000Z");
  await Probe.drop();
});

// SQLite only: PostgreSQL's driver returns typed values, so it has no column-type lookups to count.
if (!isPostgres) test.serial("a model read on SQLite asks the driver for the table's column types once, not before every query", async (t) => {
  await User.findAll({ limit: 1 });
  driverCalls.length = 0;
  for (let round = 0; round < 5; round += 1) {
    const users = await User.findAll({ limit: 2 });
    t.true(users[0].createdAt instanceof Date);
  }
  t.is(driverCalls.filter((sql) => sql.startsWith("PRAGMA table_info")).length, 0);
  t.is(driverCalls.filter((sql) => sql.startsWith("SELECT")).length, 5);
});
