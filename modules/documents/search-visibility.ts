import { QueryTypes } from "sequelize";
import type { Container, ContentPolicy, Host, User } from "../../core/sdk/index.ts";

type Viewer = Pick<ContentPolicy, "user" | "readableIds">;
import { permissions } from "./access.ts";
import { fileKind } from "./search-items.ts";

/** Where a viewer may view documents, and where they moderate them (open folders for moderators only). */
interface Reach {
  all: boolean;
  viewing: number[];
  moderating: number[];
  companyView: boolean;
  companyModerate: boolean;
}

/**
 * The viewer's reach, in a constant number of statements whatever the number of their groups: their groups
 * (only members hold a role there), then both rights over all of them at once (host.canIn).
 */
async function reachOf(host: Host, user: User | null): Promise<Reach | null> {
  if (!user?.isActive) return null;
  // The site's admins hold every documents permission everywhere.
  if (user.isAdmin) return { all: true, viewing: [], moderating: [], companyView: true, companyModerate: true };
  const company: Container = { type: "company", id: 0, slug: "company", name: "company" };
  const memberships = await host.sequelize.query<{ group_id: number }>("SELECT group_id FROM group_memberships WHERE user_id = :userId", {
    replacements: { userId: user.id },
    type: QueryTypes.SELECT,
  });
  const granted = await host.canIn(user, [permissions.view, permissions.deleteOthers], "group", memberships.map((row) => Number(row.group_id)));
  const viewing = [...granted.get(permissions.view)!];
  const moderating = viewing.filter((id) => granted.get(permissions.deleteOthers)!.has(id));
  const companyView = await host.can(user, permissions.view, company);
  const companyModerate = companyView && (await host.can(user, permissions.deleteOthers, company));
  return { all: false, viewing, moderating, companyView, companyModerate };
}

/**
 * The SQL of a reach over rows with `container_type`/`container_id` columns: in a space where the viewer views
 * documents, and where they do not moderate, not `restricted` (SQL). Named replacements start with `prefix`.
 */
function reachSql(reach: Reach | null, row: string, restricted: string, prefix: string) {
  if (!reach) return { sql: "1 = 0", replacements: {} };
  const name = (key: string) => `${prefix}${key}`;
  const replacements = { [name("yes")]: true, [name("no")]: false };
  if (reach.all) return { sql: "1 = 1", replacements };
  const parts = [
    `(${row}.container_type = 'group' AND ${row}.container_id IN (:${name("viewing")}) AND (${row}.container_id IN (:${name("moderating")}) OR NOT ${restricted}))`,
  ];
  if (reach.companyView) parts.push(`(${row}.container_type = 'company'${reach.companyModerate ? "" : ` AND NOT ${restricted}`})`);
  // An empty list would be "IN ()": no group has id 0.
  return { sql: `(${parts.join(" OR ")})`, replacements: { ...replacements, [name("viewing")]: reach.viewing.length ? reach.viewing : [0], [name("moderating")]: reach.moderating.length ? reach.moderating : [0] } };
}

/** An upload whose live files are all in folders for moderators only (one with no live file left shows "gone" to all). */
const allRestricted = (content: string, prefix: string) => {
  const liveFile = (restricted: boolean) =>
    `EXISTS (SELECT 1 FROM documents_versions rv WHERE rv.batch_id = ${content}.ref_id AND rv.is_live = :${prefix}yes AND rv.in_restricted = :${prefix}${restricted ? "yes" : "no"})`;
  return `(${liveFile(true)} AND NOT ${liveFile(false)})`;
};

/**
 * Who finds documents in the site's search: the same checks as the pages. Readers of the space with the right
 * to view its documents find each file (documents-file) they may open: one in a folder for moderators only
 * is found by the space's moderators alone (documents.delete-others). The upload's entry (its message, its
 * comments) is found by those who may open at least one of its files, as the stream shows it (batch.ts).
 */
export async function searchVisibility(host: Host, policy: Viewer, prefix: string): Promise<{ sql: string; replacements: Record<string, unknown> }> {
  // A file in a folder for moderators only (in_restricted, kept on its versions by syncSearchVisibility).
  const restrictedFile = `EXISTS (SELECT 1 FROM documents rd JOIN documents_versions rv ON rv.id = rd.current_version_id WHERE rd.id = d.ref_id AND rv.in_restricted = :${prefix}yes)`;
  const restrictedUpload = `EXISTS (SELECT 1 FROM contents rc WHERE rc.id = d.content_id AND ${allRestricted("rc", prefix)})`;
  const restricted = `(d.kind = '${fileKind}' AND ${restrictedFile} OR d.kind <> '${fileKind}' AND ${restrictedUpload})`;
  return reachSql(await reachOf(host, policy.user), "d", restricted, prefix);
}

/** Which upload entries count in this reader's "N new posts": those the stream shows them (loadBatches). */
export async function streamVisibility(host: Host, user: User, alias: string): Promise<{ sql: string; replacements: Record<string, unknown> }> {
  return reachSql(await reachOf(host, user), alias, allRestricted(alias, "documentsShown_"), "documentsShown_");
}
