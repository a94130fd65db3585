import { Op } from "sequelize";
import type { User } from "../../../core/sdk/index.ts";
import { Group } from "../models/group.ts";
import { GroupMembership, groupRoles, type GroupRole } from "../models/membership.ts";
import { GroupDirectoryMapping } from "../models/directory-mapping.ts";
import { GroupRequest } from "../models/request.ts";
import { GroupInvitation } from "../models/invitation.ts";

/** Lower is more powerful (groupRoles is ordered owner first). */
const rank = (role: GroupRole) => groupRoles.indexOf(role);
const higher = (a: GroupRole, b: GroupRole) => (rank(a) <= rank(b) ? a : b);

export interface DirectoryMembershipChanges {
  added: number;
  /** The groups joined: each is announced as groups.member.joined once the change is written. */
  joinedGroupIds: number[];
  removed: number;
  changed: number;
}

/**
 * Makes a person's directory-sourced memberships match the directory groups they are in (`groupDns`,
 * normalized): adds the mapped groups with the mapped role, removes directory memberships of groups
 * they left, raises a manual membership to a higher mapped role but keeps it manual (a manual
 * membership is never removed). One transaction, a fixed number of queries whatever the number of
 * groups. Idempotent: a second run with the same list changes nothing.
 */
export async function applyDirectoryMemberships(user: User, groupDns: readonly string[]): Promise<DirectoryMembershipChanges> {
  const changes: DirectoryMembershipChanges = { added: 0, joinedGroupIds: [], removed: 0, changed: 0 };
  const sequelize = Group.sequelize!;
  await sequelize.transaction(async (transaction) => {
    const mappings = groupDns.length
      ? await GroupDirectoryMapping.findAll({ where: { groupDn: { [Op.in]: [...new Set(groupDns)] } }, transaction })
      : [];
    // Archived groups take no new members; several mappings to one group grant the highest role.
    const live = new Set(
      mappings.length ? (await Group.findAll({ where: { id: { [Op.in]: [...new Set(mappings.map((m) => m.groupId))] }, isArchived: false }, attributes: ["id"], transaction })).map((g) => g.id) : [],
    );
    const wanted = new Map<number, GroupRole>();
    for (const mapping of mappings) {
      if (!live.has(mapping.groupId)) continue;
      const before = wanted.get(mapping.groupId);
      wanted.set(mapping.groupId, before ? higher(before, mapping.role) : mapping.role);
    }
    const existing = await GroupMembership.findAll({
      where: { userId: user.id, [Op.or]: [{ source: "directory" }, ...(wanted.size ? [{ groupId: { [Op.in]: [...wanted.keys()] } }] : [])] },
      transaction,
    });
    const have = new Map(existing.map((membership) => [membership.groupId, membership]));

    const toAdd = [...wanted].filter(([groupId]) => !have.has(groupId));
    // Directory rows are never owners (mappings cannot grant it, hand changes are refused); the guard keeps a last owner anyway.
    const toRemove = existing.filter((m) => m.source === "directory" && !wanted.has(m.groupId) && m.role !== "owner").map((m) => m.groupId);
    const roleChanges = new Map<GroupRole, number[]>();
    for (const membership of existing) {
      const role = wanted.get(membership.groupId);
      if (!role) continue;
      const target = membership.source === "directory" ? role : higher(membership.role, role);
      if (target !== membership.role) roleChanges.set(target, [...(roleChanges.get(target) ?? []), membership.groupId]);
    }

    if (toAdd.length) {
      const groupIds = toAdd.map(([groupId]) => groupId);
      await GroupMembership.bulkCreate(toAdd.map(([groupId, role]) => ({ groupId, userId: user.id, role, source: "directory" as const })), { transaction });
      await GroupRequest.destroy({ where: { userId: user.id, groupId: { [Op.in]: groupIds } }, transaction });
      await GroupInvitation.destroy({ where: { userId: user.id, groupId: { [Op.in]: groupIds } }, transaction });
      changes.added = toAdd.length;
      changes.joinedGroupIds = groupIds;
    }
    if (toRemove.length) {
      await GroupMembership.destroy({ where: { userId: user.id, source: "directory", groupId: { [Op.in]: toRemove } }, transaction });
      changes.removed = toRemove.length;
    }
    // At most one UPDATE per role (three), not one per group.
    for (const [role, groupIds] of roleChanges) {
      await GroupMembership.update({ role }, { where: { userId: user.id, groupId: { [Op.in]: groupIds } }, transaction });
      changes.changed += groupIds.length;
    }
  });
  return changes;
}
