import type { Sequelize } from "sequelize";
import type { User, DashboardPanel } from "../../../core/sdk/index.ts";
import { viewerMemberships } from "./viewer-memberships.ts";

/** How many of the reader's groups the dashboard lists before a link to all of them. */
export const dashboardGroupCount = 8;

/**
 * "Your groups" on the dashboard: the reader's live groups by name, from the memberships the page has
 * already read (viewer-memberships.ts). Archived groups are left out (they are read-only and hidden from
 * the directory by default).
 */
export async function myGroupsPanel(sequelize: Sequelize, user: User): Promise<DashboardPanel | null> {
  const rows = (await viewerMemberships(sequelize, user)).filter((membership) => !membership.isArchived);
  if (rows.length === 0) return null;
  return {
    title: "groups:dashboard.title",
    items: rows.slice(0, dashboardGroupCount).map((row) => ({ label: row.name, href: `/g/${row.slug}` })),
    more: rows.length > dashboardGroupCount ? { label: "groups:dashboard.more", href: "/groups?scope=mine" } : undefined,
  };
}
