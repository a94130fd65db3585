import { Op } from "sequelize";
import { User, type Host } from "../../core/sdk/index.ts";
import { Group } from "./models/group.ts";
import { GroupMembership } from "./models/membership.ts";
import { GroupInvitation } from "./models/invitation.ts";
import { managerRoles, maySee } from "./access.ts";
import "./events.ts";

/**
 * The groups among these that the viewer may still know of (member, invited, or listed to them): a
 * notification about another one (a revoked invitation, a secret group they were removed from) shows no name or link.
 */
async function visibleGroups(viewer: User, containerType: string, ids: number[]): Promise<Set<number>> {
  if (containerType !== "group" || ids.length === 0) return new Set();
  const where = { groupId: { [Op.in]: ids }, userId: viewer.id };
  const [groups, memberships, invitations] = await Promise.all([
    Group.findAll({ where: { id: { [Op.in]: ids } }, attributes: ["id", "visibility"] }),
    GroupMembership.findAll({ where, attributes: ["groupId", "role"] }),
    GroupInvitation.findAll({ where: { ...where, expiresAt: { [Op.gt]: new Date() } }, attributes: ["groupId"] }),
  ]);
  const roles = new Map(memberships.map((membership) => [membership.groupId, membership.role]));
  const invited = new Set(invitations.map((invitation) => invitation.groupId));
  return new Set(groups.filter((group) => maySee(viewer, group, roles.get(group.id) ?? null, invited.has(group.id))).map((group) => group.id));
}

/**
 * The group's own notifications: an invitation (to the invitee), a request to join (to the group's owners
 * and admins) and its approval (to the requester). Core delivers them (web, e-mail, settings, grouping).
 */
export function registerNotifications(host: Host) {
  const always = { level: "always" as const, visibleContainers: visibleGroups };
  host.notificationType({ id: "groups.invitation", label: "groups:notifications.types.invitation", message: "groups:notifications.invited", defaults: { web: true, email: true }, ...always });
  host.notificationType({ id: "groups.request", label: "groups:notifications.types.request", message: "groups:notifications.requested", defaults: { web: true, email: true }, ...always });
  host.notificationType({ id: "groups.approved", label: "groups:notifications.types.approved", message: "groups:notifications.approved", defaults: { web: true, email: true }, ...always });

  host.on("groups.invited", async ({ group, userId, by }) => {
    if (!userId) return;
    await host.notify({ type: "groups.invitation", recipients: [userId], actor: by, subject: { container: group, url: `/g/${group.slug}`, title: group.name }, groupKey: `group:${group.id}` });
  });

  host.on("groups.requested", async ({ group, userId }) => {
    const managers = await GroupMembership.findAll({ where: { groupId: group.id, role: { [Op.in]: [...managerRoles] } }, attributes: ["userId"] });
    const requester = await User.findByPk(userId);
    await host.notify({
      type: "groups.request",
      recipients: managers.map((membership) => membership.userId),
      actor: requester,
      subject: { container: group, url: `/g/${group.slug}/members#requests`, title: group.name },
      groupKey: `group:${group.id}`,
    });
  });

  host.on("groups.request.approved", async ({ group, userId, by }) => {
    await host.notify({ type: "groups.approved", recipients: [userId], actor: by, subject: { container: group, url: `/g/${group.slug}`, title: group.name }, groupKey: `group:${group.id}` });
  });
}
