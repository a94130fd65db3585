import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp } from "../helpers/app.ts";
import { postgresOnlyTest } from "../helpers/database.ts";

// Agora's PostgreSQL connections price a random page read at AGORA_PG_RANDOM_PAGE_COST (core/db/sequelize.ts).
const settingsOfConnections = async (sequelize: import("sequelize").Sequelize) => {
  const show = async () => (await sequelize.query<{ random_page_cost: string }>("SHOW random_page_cost", { type: QueryTypes.SELECT }))[0].random_page_cost;
  // Several at once: the pool opens more connections, and each must have the setting.
  return new Set(await Promise.all([show(), show(), show(), sequelize.transaction(async () => show())]));
};

postgresOnlyTest("every connection of the pool has the planner's random page cost; 'server' leaves the server's", async (t) => {
  const tuned = await startApp();
  try {
    t.deepEqual([...(await settingsOfConnections(tuned.app.sequelize))], ["1.1"]);
  } finally {
    await tuned.close();
  }
  const server = await startApp({ AGORA_PG_RANDOM_PAGE_COST: "server" });
  try {
    const values = [...(await settingsOfConnections(server.app.sequelize))];
    t.is(values.length, 1);
    t.not(values[0], "1.1", "the server's own setting (4 unless its administrator changed it)");
  } finally {
    await server.close();
  }
});
