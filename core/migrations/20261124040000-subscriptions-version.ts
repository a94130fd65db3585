import { dropColumn, type MigrationContext } from "../db/migrate.ts";
import type { Dialect } from "../db/render-versions.ts";
import { dropSubscriptionsVersionTriggers, subscriptionsVersionTriggers } from "../db/subscriptions-version.ts";

/**
 * users.subscriptions_version (core/db/subscriptions-version.ts): moved by every follow a reader starts or
 * stops, so that each process may keep who they follow in memory (core/util/reader-memo.ts).
 */
export async function up(qi: MigrationContext) {
  const dialect = qi.sequelize.getDialect() as Dialect;
  await qi.sequelize.query("ALTER TABLE users ADD COLUMN subscriptions_version INTEGER NOT NULL DEFAULT 0");
  for (const statement of subscriptionsVersionTriggers(dialect, "user_follows", "follower_id", ["follower_id", "followed_id"])) await qi.sequelize.query(statement);
}

export async function down(qi: MigrationContext) {
  const dialect = qi.sequelize.getDialect() as Dialect;
  for (const statement of dropSubscriptionsVersionTriggers(dialect, "user_follows")) await qi.sequelize.query(statement);
  await dropColumn(qi, "users", "subscriptions_version");
}
