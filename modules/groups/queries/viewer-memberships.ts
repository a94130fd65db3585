import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import type { User } from "../../../core/models/user.ts";

/** One of a user's memberships with what the dashboard shows of its group. */
export interface ViewerMembership {
  groupId: number;
  role: string;
  showOnDashboard: boolean;
  slug: string;
  name: string;
  isArchived: boolean;
}

interface Remembered {
  generation: number;
  at: number;
  memberships: Promise<ViewerMembership[]>;
}

// A page asks about the reader's groups three times (dashboard streams, roles on the entries, "Your
// groups"): one query answers all three. Kept per User object, which lives for one request; any write to
// memberships or groups in this process forgets everything, and an object kept longer is re-read after a second.
const remembered = new WeakMap<User, Remembered>();
const maxAgeMs = 1000;
let generation = 0;

/** Called by the group and membership models' hooks (and again at commit when the write is in a transaction). */
export function forgetViewerMemberships(options?: { transaction?: Transaction | null }) {
  generation += 1;
  options?.transaction?.afterCommit(() => {
    generation += 1;
  });
}

/** Every membership of the user with its group's slug, name and archive flag, by group name. */
export function viewerMemberships(sequelize: Sequelize, user: User): Promise<ViewerMembership[]> {
  const now = Date.now();
  const known = remembered.get(user);
  if (known && known.generation === generation && now - known.at < maxAgeMs) return known.memberships;
  const memberships = sequelize
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
    );
  remembered.set(user, { generation, at: now, memberships });
  memberships.catch(() => remembered.delete(user));
  return memberships;
}

type WriteOptions = { transaction?: Transaction | null };

/** Model hooks that forget remembered memberships after any write to the model's table. */
export const forgetOnWrite = {
  afterCreate: (_row: unknown, options: WriteOptions) => forgetViewerMemberships(options),
  afterUpdate: (_row: unknown, options: WriteOptions) => forgetViewerMemberships(options),
  afterDestroy: (_row: unknown, options: WriteOptions) => forgetViewerMemberships(options),
  afterUpsert: (_result: unknown, options: WriteOptions) => forgetViewerMemberships(options),
  afterBulkCreate: (_rows: unknown, options: WriteOptions) => forgetViewerMemberships(options),
  afterBulkUpdate: (options: WriteOptions) => forgetViewerMemberships(options),
  afterBulkDestroy: (options: WriteOptions) => forgetViewerMemberships(options),
};
