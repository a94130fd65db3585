import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { ReaderMemo, type User } from "../../../core/sdk/index.ts";

/** One of a user's memberships with what the dashboard shows of its group. */
export interface ViewerMembership {
  groupId: number;
  role: string;
  showOnDashboard: boolean;
  slug: string;
  name: string;
  isArchived: boolean;
}

// A page asks about the reader's groups three times (dashboard streams, roles on the entries, "Your
// groups"): one query answers all three, and the next pages too while the reader's
// users.subscriptions_version stays put (core/util/reader-memo.ts). Triggers move it on any membership or
// group change, from any process; a write in this process forgets everything at once (the hooks below),
// also when it comes later in the request whose User object still carries the version read at its start.
// No age limit: the version covers what other processes change.
const remembered = new ReaderMemo<ViewerMembership[]>();

/** Called by the group and membership models' hooks (and again at commit when the write is in a transaction). */
export function forgetViewerMemberships(options?: { transaction?: Transaction | null }) {
  remembered.forget(options);
}

/** Every membership of the user with its group's slug, name and archive flag, by group name. */
export function viewerMemberships(sequelize: Sequelize, user: User): Promise<ViewerMembership[]> {
  return remembered.get(user, () =>
    sequelize
      .query<{ group_id: number; role: string; show_on_dashboard: boolean | number; slug: string; name: string; is_archived: boolean | number }>(
        `SELECT m.group_id, m.role, m.show_on_dashboard, g.slug, g.name, g.is_archived
         FROM group_memberships m JOIN "groups" g ON g.id = m.group_id WHERE m.user_id = :userId ORDER BY g.sort_name, g.id`,
        { replacements: { userId: user.id }, type: QueryTypes.SELECT },
      )
      .then((rows) =>
        rows.map((row) => ({
          groupId: Number(row.group_id),
          role: row.role,
          showOnDashboard: Boolean(row.show_on_dashboard),
          slug: row.slug,
          name: row.name,
          isArchived: Boolean(row.is_archived),
        })),
      ),
  );
}

/** Model hooks that forget remembered memberships after any write to the model's table. */
export const forgetOnWrite = remembered.hooks();
