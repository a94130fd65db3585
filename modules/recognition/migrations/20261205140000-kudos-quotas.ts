import type { QueryInterface } from "sequelize";

export async function up(qi: QueryInterface) {
  // What each giver used of a limit in a period: "day" (daily limit) or "pair:<recipient id>" (monthly cap per
  // pair). Spent by a guarded UPDATE in the kudos' own transaction, so kudos sent at once cannot pass a limit.
  await qi.sequelize.query(
    `CREATE TABLE recognition_quotas (
       giver_id INTEGER NOT NULL,
       scope VARCHAR(24) NOT NULL,
       period_key VARCHAR(10) NOT NULL,
       used INTEGER NOT NULL DEFAULT 0,
       PRIMARY KEY (giver_id, scope, period_key)
     )`,
  );
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("recognition_quotas");
}
