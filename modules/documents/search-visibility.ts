import { QueryTypes } from "sequelize";
import type { Container, ContentPolicy, Host } from "../../core/sdk/index.ts";

type Viewer = Pick<ContentPolicy, "user" | "readableIds">;
import { permissions } from "./access.ts";

/**
 * Who finds an upload (its message, its files' names and text, its comments) in the site's search: the same
 * check as the pages. Readers of the space with the right to view its documents; an upload with a file in a
 * folder for moderators only, the space's moderators alone (documents.delete-others). One query for the
 * viewer's groups, then the permission checks of the groups they belong to (only members hold a role there).
 */
export async function searchVisibility(host: Host, policy: Viewer, prefix: string): Promise<{ sql: string; replacements: Record<string, unknown> }> {
  const user = policy.user;
  if (!user?.isActive) return { sql: "1 = 0", replacements: {} };
  const company: Container = { type: "company", id: 0, slug: "company", name: "company" };
  // The site's admins hold every documents permission everywhere.
  if (user.isAdmin) return { sql: "1 = 1", replacements: {} };
  const memberships = await host.sequelize.query<{ group_id: number }>("SELECT group_id FROM group_memberships WHERE user_id = :userId", {
    replacements: { userId: user.id },
    type: QueryTypes.SELECT,
  });
  const viewing: number[] = [];
  const moderating: number[] = [];
  for (const { group_id: raw } of memberships) {
    const group: Container = { type: "group", id: Number(raw), slug: "", name: "" };
    if (!(await host.can(user, permissions.view, group))) continue;
    viewing.push(group.id);
    if (await host.can(user, permissions.deleteOthers, group)) moderating.push(group.id);
  }
  const companyView = await host.can(user, permissions.view, company);
  const companyModerate = companyView && (await host.can(user, permissions.deleteOthers, company));
  const name = (key: string) => `${prefix}${key}`;
  // A row of an upload one of whose live files is in a folder for moderators only.
  const restricted = `EXISTS (SELECT 1 FROM contents rc JOIN documents_versions rv ON rv.batch_id = rc.ref_id
    WHERE rc.id = d.content_id AND rv.is_live = :${name("yes")} AND rv.in_restricted = :${name("yes")})`;
  const parts = [
    `(d.container_type = 'group' AND d.container_id IN (:${name("viewing")}) AND (d.container_id IN (:${name("moderating")}) OR NOT ${restricted}))`,
  ];
  if (companyView) parts.push(`(d.container_type = 'company'${companyModerate ? "" : ` AND NOT ${restricted}`})`);
  return {
    sql: parts.join(" OR "),
    // An empty list would be "IN ()": no group has id 0.
    replacements: { [name("viewing")]: viewing.length ? viewing : [0], [name("moderating")]: moderating.length ? moderating : [0], [name("yes")]: true },
  };
}
