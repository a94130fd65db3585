import type { User } from "../../core/sdk/index.ts";
import { Group } from "./models/group.ts";
import { GroupMembership, type GroupRole } from "./models/membership.ts";
import { GroupPermission } from "./models/settings.ts";
import { GroupRequest } from "./models/request.ts";
import { GroupInvitation } from "./models/invitation.ts";

/** The groups module's own permission ids (group scope: they appear in every group's permission screen). */
export const postPermission = "groups.post";
export const invitePermission = "groups.invite";

export const managerRoles: readonly GroupRole[] = ["owner", "admin"];
export const moderatorRoles: readonly GroupRole[] = ["owner", "admin", "moderator"];

const isActive = (user: User | null): user is User => Boolean(user && user.isActive);
const isGuest = (user: User) => user.role === "guest";

/**
 * Who may read a group's content, members and about page: its members; every non-guest member of the
 * instance for an open group; instance admins everywhere (they moderate).
 */
export function mayRead(user: User | null, group: Pick<Group, "visibility">, role: string | null): boolean {
  if (!isActive(user)) return false;
  return user.isAdmin || Boolean(role) || (group.visibility === "open" && !isGuest(user));
}

/** Who may know the group exists: readers, non-guests for a private (listed) group, and anyone invited. */
export function maySee(user: User | null, group: Pick<Group, "visibility">, role: string | null, isInvited: boolean): boolean {
  if (!isActive(user)) return false;
  return mayRead(user, group, role) || isInvited || (group.visibility === "private" && !isGuest(user));
}

/** Writing: members whose role holds groups.post here, never in an archived group. */
export function mayPost(user: User | null, group: Pick<Group, "isArchived">, role: string | null, postingRoles: readonly string[]): boolean {
  return isActive(user) && !group.isArchived && Boolean(role) && postingRoles.includes(role!);
}

/** Roles a group grants a permission: its admins' choice, else the permission's defaults. */
export async function grantedRoles(groupId: number, permissionId: string): Promise<string[] | null> {
  const row = await GroupPermission.findOne({ where: { groupId, permissionId } });
  return row ? rolesOfRow(row.roles) : null;
}

/** The roles stored in a group_permissions row (a JSON array), or null when it is not one. */
export function rolesOfRow(json: string): string[] | null {
  const roles: unknown = JSON.parse(json);
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === "string") : null;
}

export const defaultPostingRoles: readonly GroupRole[] = ["owner", "admin", "moderator", "member"];

export async function postingRoles(groupId: number): Promise<readonly string[]> {
  return (await grantedRoles(groupId, postPermission)) ?? defaultPostingRoles;
}

/** Everything a group page needs to know about the viewer, in a handful of indexed queries. */
export interface GroupAccess {
  group: Group;
  membership: GroupMembership | null;
  role: GroupRole | null;
  invitation: GroupInvitation | null;
  request: GroupRequest | null;
  canRead: boolean;
  canSee: boolean;
  canPost: boolean;
  /** Owners and admins of the group, and instance admins: members, settings, modules, permissions. */
  isManager: boolean;
  /** Owners, and instance admins: owner roles and deletion. */
  isOwner: boolean;
  canModerate: boolean;
  canJoin: boolean;
  canRequest: boolean;
}

export async function accessOf(user: User | null, group: Group): Promise<GroupAccess> {
  const active = isActive(user) ? user : null;
  const membership = active ? await GroupMembership.findOne({ where: { groupId: group.id, userId: active.id } }) : null;
  // Invitations and join requests are for outsiders: joining deletes them, and a member has nothing to accept or withdraw.
  const [invitation, request] =
    active && !membership
      ? await Promise.all([
          GroupInvitation.findOne({ where: { groupId: group.id, userId: active.id } }),
          GroupRequest.findOne({ where: { groupId: group.id, userId: active.id } }),
        ])
      : [null, null];
  const role = membership?.role ?? null;
  const isInvited = Boolean(invitation && invitation.expiresAt.getTime() > Date.now());
  const isAdmin = Boolean(active?.isAdmin);
  const isManager = isAdmin || (role !== null && managerRoles.includes(role));
  const canJoinAtAll = Boolean(active && !role && !group.isArchived && !isGuest(active));
  return {
    group,
    membership,
    role,
    invitation: isInvited ? invitation : null,
    request,
    canRead: mayRead(active, group, role),
    canSee: maySee(active, group, role, isInvited),
    canPost: role ? mayPost(active, group, role, await postingRoles(group.id)) : false,
    isManager,
    isOwner: isAdmin || role === "owner",
    canModerate: isAdmin || (role !== null && moderatorRoles.includes(role)),
    // Instance admins may join any group they can see; everyone else joins open groups only.
    canJoin: canJoinAtAll && (group.visibility === "open" || isAdmin),
    canRequest: canJoinAtAll && group.visibility === "private" && !request,
  };
}
