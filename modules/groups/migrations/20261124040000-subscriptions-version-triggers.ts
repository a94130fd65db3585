import type { QueryInterface } from "sequelize";
import { dropSubscriptionsVersionTriggers, subscriptionsVersionFanOutTriggers, subscriptionsVersionTriggers, type Dialect } from "../../../core/sdk/index.ts";

/**
 * A reader's memberships as the dashboard uses them (queries/viewer-memberships.ts: group, role, whether
 * it shows on the dashboard; the group's name, slug, sort name and archive flag) move their
 * users.subscriptions_version (core/db/subscriptions-version.ts), whoever writes them. A column added to
 * what viewerMemberships reads must be added here too.
 */
const membershipColumns = ["group_id", "user_id", "role", "show_on_dashboard"];
const groupColumns = ["name", "slug", "sort_name", "is_archived"];

export async function up(qi: QueryInterface) {
  const dialect = qi.sequelize.getDialect() as Dialect;
  const statements = [
    ...subscriptionsVersionTriggers(dialect, "group_memberships", "user_id", membershipColumns),
    ...subscriptionsVersionFanOutTriggers(dialect, "groups", groupColumns, "SELECT user_id FROM group_memberships WHERE group_id = :id"),
  ];
  for (const statement of statements) await qi.sequelize.query(statement);
}

export async function down(qi: QueryInterface) {
  const dialect = qi.sequelize.getDialect() as Dialect;
  for (const table of ["group_memberships", "groups"]) for (const statement of dropSubscriptionsVersionTriggers(dialect, table)) await qi.sequelize.query(statement);
}
