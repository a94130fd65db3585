import { QueryTypes } from "sequelize";
import type { FirstDayOffer, Host, SuggestedGroup, User } from "../../core/sdk/index.ts";
import { viewerMemberships } from "./queries/viewer-memberships.ts";

/** How many groups the first-day block offers, and the days of contents that make a group "active". */
export const suggestedGroupCount = 6;
const activityDays = 30;

interface CandidateRow {
  id: number | string;
  slug: string;
  name: string;
  summary: string;
  visibility: string;
  member_count: number | string;
  is_default: boolean | number;
  is_archived: boolean | number;
}

/**
 * The default groups, then the open groups with the most contents of the last days: one statement, each
 * group's count a range of the contents_stream index. The reader's memberships come from the memo the
 * dashboard already read, so nothing here reads group_memberships.
 */
async function candidates(host: Host, excluded: number[]): Promise<CandidateRow[]> {
  return host.sequelize.query<CandidateRow>(
    `SELECT g.id, g.slug, g.name, g.summary, g.visibility, g.member_count, g.is_default, g.is_archived FROM "groups" g
     WHERE g.is_default = :yes OR (g.visibility = 'open' AND g.is_archived = :no AND g.id NOT IN (:excluded))
     ORDER BY g.is_default DESC,
       (SELECT COUNT(*) FROM contents c WHERE c.stream_key = 'group:' || CAST(g.id AS VARCHAR(20)) AND c.sort_at > :since
          AND c.deleted_at IS NULL AND c.hidden_at IS NULL) DESC,
       g.member_count DESC, g.sort_name, g.id
     LIMIT :limit`,
    {
      replacements: { yes: true, no: false, excluded: excluded.length > 0 ? excluded : [0], since: new Date(Date.now() - activityDays * 24 * 3600 * 1000), limit: 50 },
      type: QueryTypes.SELECT,
    },
  );
}

/**
 * The groups' part of a newcomer's first-day block: "Join a group" on the checklist (done once they are in a
 * group beyond the default ones everyone joins) and groups to join — default and active open groups they are
 * not in, never one they could not join. Guests join no group: nothing for them.
 */
export async function firstDayOffer(host: Host, offer: FirstDayOffer, user: User | null): Promise<FirstDayOffer> {
  if (!user || !user.isActive || user.role === "guest") return offer;
  const memberships = await viewerMemberships(host.sequelize, user);
  const mine = new Set(memberships.map((membership) => membership.groupId));
  const rows = await candidates(host, [...mine]);
  const defaults = new Set(rows.filter((row) => Boolean(row.is_default)).map((row) => Number(row.id)));
  const groups: SuggestedGroup[] = rows
    .filter((row) => row.visibility === "open" && !row.is_archived && !mine.has(Number(row.id)))
    .slice(0, suggestedGroupCount)
    .map((row) => ({
      name: row.name,
      href: `/g/${row.slug}`,
      joinAction: `/g/${row.slug}/join`,
      summary: row.summary,
      memberCount: Number(row.member_count),
      isDefault: Boolean(row.is_default),
    }));
  const isDone = memberships.some((membership) => !defaults.has(membership.groupId));
  return { steps: [...offer.steps, { id: "group", label: "groups:firstDay.step", href: "/groups", isDone }], groups: [...offer.groups, ...groups] };
}

/** Registered from index.ts. */
export function registerFirstDay(host: Host) {
  host.filter("dashboard.firstDay", (offer, { user }) => firstDayOffer(host, offer, user));
}
