import { QueryTypes, type Sequelize } from "sequelize";
import type { DashboardPanel } from "../../../core/modules/types.ts";

/** How many of the reader's groups the dashboard lists before a link to all of them. */
export const dashboardGroupCount = 8;

/**
 * "Your groups" on the dashboard: the reader's live groups by name, one query on the memberships index.
 * Archived groups are left out (they are read-only and hidden from the directory by default).
 */
export async function myGroupsPanel(sequelize: Sequelize, userId: number): Promise<DashboardPanel | null> {
  const rows = await sequelize.query<{ slug: string; name: string }>(
    `SELECT g.slug, g.name FROM group_memberships m JOIN groups g ON g.id = m.group_id
     WHERE m.user_id = :userId AND g.is_archived = :archived ORDER BY g.sort_name, g.id LIMIT :limit`,
    { replacements: { userId, archived: false, limit: dashboardGroupCount + 1 }, type: QueryTypes.SELECT },
  );
  if (rows.length === 0) return null;
  return {
    title: "groups:dashboard.title",
    items: rows.slice(0, dashboardGroupCount).map((row) => ({ label: row.name, href: `/g/${row.slug}` })),
    more: rows.length > dashboardGroupCount ? { label: "groups:dashboard.more", href: "/groups?scope=mine" } : undefined,
  };
}
