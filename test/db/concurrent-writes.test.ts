import test from "ava";
import { setTimeout as sleep } from "node:timers/promises";
import { startApp, type TestApp } from "../helpers/app.ts";
import { Op } from "sequelize";
import { Setting } from "../../core/models/setting.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

test("overlapping transactions and plain writes wait for each other instead of failing with a busy database", async (t) => {
  const writes = Array.from({ length: 12 }, (_, i) =>
    i % 3 === 0
      ? Setting.upsert({ key: `plain-${i}`, value: JSON.stringify(i) })
      : app.app.sequelize.transaction(async (transaction) => {
          await Setting.upsert({ key: `tx-${i}`, value: JSON.stringify(i) }, { transaction });
          await sleep(30);
          await Setting.upsert({ key: `tx-${i}-after`, value: JSON.stringify(i) }, { transaction });
        }),
  );
  await t.notThrowsAsync(Promise.all(writes));
  // Every write landed, once: 4 plain ones and 2 in each of the 8 transactions.
  const written = await Setting.findAll({ where: { key: { [Op.or]: [{ [Op.like]: "plain-%" }, { [Op.like]: "tx-%" }] } } });
  const expected = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? [`plain-${i}`] : [`tx-${i}`, `tx-${i}-after`])).flat();
  t.deepEqual(written.map((row) => row.key).sort(), expected.sort());
  t.true(written.every((row) => JSON.parse(row.value) === Number(row.key.split("-")[1])));
});
