import { Op, type Transaction } from "sequelize";
import { User, audit, HttpError, forbidden } from "../../../core/sdk/index.ts";
import { Group } from "../models/group.ts";
import { GroupMembership, type GroupRole, type NotificationLevel } from "../models/membership.ts";
import { GroupRequest } from "../models/request.ts";
import { GroupInvitation } from "../models/invitation.ts";
import type { GroupAccess } from "../access.ts";

const sequelize = () => Group.sequelize!;
const conflict = (key: string) => new HttpError(409, key);

/** Locks the group row for the rest of the transaction: two concurrent role changes cannot both remove "the other" owner. */
export async function lockGroup(group: Group, transaction: Transaction) {
  await Group.findByPk(group.id, { transaction, lock: transaction.LOCK.UPDATE, attributes: ["id"] });
}

/** Adds a member (no-op when already one) and clears their pending request and invitation; returns whether they were added. */
export async function addMember(group: Group, userId: number, role: GroupRole, transaction: Transaction): Promise<boolean> {
  const [, created] = await GroupMembership.findOrCreate({ where: { groupId: group.id, userId }, defaults: { groupId: group.id, userId, role }, transaction });
  await GroupRequest.destroy({ where: { groupId: group.id, userId }, transaction });
  await GroupInvitation.destroy({ where: { groupId: group.id, userId }, transaction });
  // groups.member_count follows by trigger (migration member-count-triggers).
  return created;
}

async function ownerCount(group: Group, transaction: Transaction) {
  return GroupMembership.count({ where: { groupId: group.id, role: "owner" }, transaction });
}

/** Removes a membership; a group always keeps at least one owner. */
async function removeMembership(group: Group, membership: GroupMembership, transaction: Transaction) {
  if (membership.role === "owner" && (await ownerCount(group, transaction)) <= 1) throw conflict("groups:errors.lastOwner");
  await membership.destroy({ transaction });
}

/** Joining an open group (or any group, for an instance admin); returns whether they joined now (not already a member). */
export async function join(access: GroupAccess, user: User): Promise<boolean> {
  if (!access.canJoin && !access.invitation) throw forbidden("groups:errors.cannotJoin");
  return sequelize().transaction((transaction) => addMember(access.group, user.id, "member", transaction));
}

export async function leave(access: GroupAccess, user: User): Promise<void> {
  if (!access.membership) throw conflict("groups:errors.notMember");
  await sequelize().transaction(async (transaction) => {
    await lockGroup(access.group, transaction);
    const membership = await GroupMembership.findOne({ where: { groupId: access.group.id, userId: user.id }, transaction });
    if (membership?.source === "directory") throw conflict("groups:ldapMapping.errors.cannotLeave");
    if (membership) await removeMembership(access.group, membership, transaction);
  });
}

/** Whether the user is their group's only owner (leaving would leave it without one). */
export async function isSoleOwner(access: GroupAccess): Promise<boolean> {
  return access.membership?.role === "owner" && (await GroupMembership.count({ where: { groupId: access.group.id, role: "owner" } })) <= 1;
}

/**
 * A sole owner hands the group over and leaves, in one transaction: the chosen member (an active member
 * whose role may change here) becomes owner, then the leaver's membership goes.
 */
export async function handOverAndLeave(access: GroupAccess, user: User, newOwnerId: number): Promise<void> {
  if (access.membership?.role !== "owner") throw forbidden("groups:errors.ownersOnly");
  if (newOwnerId === user.id) throw new HttpError(422, "groups:leave.chooseSomeoneElse");
  await sequelize().transaction(async (transaction) => {
    await lockGroup(access.group, transaction);
    const mine = await GroupMembership.findOne({ where: { groupId: access.group.id, userId: user.id }, transaction });
    if (!mine) throw conflict("groups:errors.notMember");
    if (mine.role !== "owner") throw forbidden("groups:errors.ownersOnly");
    const successor = await GroupMembership.findOne({ where: { groupId: access.group.id, userId: newOwnerId }, transaction });
    const successorAccount = successor ? await User.findByPk(newOwnerId, { attributes: ["id", "status"], transaction }) : null;
    if (!successor || successorAccount?.status !== "active") throw new HttpError(422, "groups:leave.notAMember");
    if (successor.source === "directory") throw conflict("groups:ldapMapping.errors.cannotChangeRole");
    if (successor.role !== "owner") {
      const from = successor.role;
      await successor.update({ role: "owner" }, { transaction });
      await audit(user, "group.role.changed", { type: "group", id: access.group.id }, { userId: newOwnerId, from, to: "owner" }, transaction);
    }
    await removeMembership(access.group, mine, transaction);
  });
}

/** Asks to join; returns whether a request was made now (one per person and group: the unique index decides between concurrent ones). */
export async function requestToJoin(access: GroupAccess, user: User, message: string): Promise<boolean> {
  if (!access.canRequest) throw forbidden("groups:errors.cannotRequest");
  const [, created] = await GroupRequest.findOrCreate({ where: { groupId: access.group.id, userId: user.id }, defaults: { groupId: access.group.id, userId: user.id, message } });
  return created;
}

export async function withdrawRequest(access: GroupAccess, user: User): Promise<void> {
  await GroupRequest.destroy({ where: { groupId: access.group.id, userId: user.id } });
}

/**
 * A group admin approves (the requester becomes a member) or declines (the request is dropped). The
 * request is claimed by deleting it inside the transaction: of concurrent decisions only one goes on.
 */
export async function decideRequest(access: GroupAccess, actor: User, requestId: number, isApproved: boolean): Promise<GroupRequest> {
  if (!access.isManager) throw forbidden();
  return sequelize().transaction(async (transaction) => {
    const request = await GroupRequest.findOne({ where: { id: requestId, groupId: access.group.id }, transaction });
    if (!request) throw new HttpError(404, "groups:errors.noRequest");
    if (isApproved && access.group.isArchived) throw forbidden("groups:errors.archived");
    if ((await GroupRequest.destroy({ where: { id: request.id }, transaction })) !== 1) throw new HttpError(404, "groups:errors.noRequest");
    if (isApproved) await addMember(access.group, request.userId, "member", transaction);
    await audit(actor, isApproved ? "group.request.approved" : "group.request.declined", { type: "group", id: access.group.id }, { userId: request.userId }, transaction);
    return request;
  });
}

/**
 * Changes a member's role. Group admins manage admins, moderators and members; only owners (and instance
 * admins) make or unmake owners; the last owner cannot be demoted.
 */
export async function changeRole(access: GroupAccess, actor: User, userId: number, role: GroupRole): Promise<void> {
  if (!access.isManager) throw forbidden();
  await sequelize().transaction(async (transaction) => {
    await lockGroup(access.group, transaction);
    const membership = await GroupMembership.findOne({ where: { groupId: access.group.id, userId }, transaction });
    if (!membership) throw new HttpError(404, "groups:errors.notMember");
    if ((membership.role === "owner" || role === "owner") && !access.isOwner) throw forbidden("groups:errors.ownersOnly");
    if (membership.role === role) return;
    if (membership.source === "directory") throw conflict("groups:ldapMapping.errors.cannotChangeRole");
    if (membership.role === "owner" && (await ownerCount(access.group, transaction)) <= 1) throw conflict("groups:errors.lastOwner");
    const from = membership.role;
    await membership.update({ role }, { transaction });
    await audit(actor, "group.role.changed", { type: "group", id: access.group.id }, { userId, from, to: role }, transaction);
  });
}

/** Removes someone else from the group (leaving is `leave`). */
export async function removeMember(access: GroupAccess, actor: User, userId: number): Promise<void> {
  if (!access.isManager) throw forbidden();
  await sequelize().transaction(async (transaction) => {
    await lockGroup(access.group, transaction);
    const membership = await GroupMembership.findOne({ where: { groupId: access.group.id, userId }, transaction });
    if (!membership) throw new HttpError(404, "groups:errors.notMember");
    if (membership.role === "owner" && !access.isOwner) throw forbidden("groups:errors.ownersOnly");
    if (membership.source === "directory") throw conflict("groups:ldapMapping.errors.cannotRemove");
    await removeMembership(access.group, membership, transaction);
    await audit(actor, "group.member.removed", { type: "group", id: access.group.id }, { userId }, transaction);
  });
}

/** The member's own choices: notification level and whether the group's posts reach their dashboard. */
export async function updatePreferences(access: GroupAccess, preferences: { notificationLevel: NotificationLevel; showOnDashboard: boolean }) {
  if (!access.membership) throw conflict("groups:errors.notMember");
  await access.membership.update(preferences);
}

/** Joins a new account to every default group (the company onboarding group...); returns the groups joined. Guests join none. */
export async function joinDefaultGroups(user: User): Promise<number[]> {
  if (user.role === "guest") return [];
  const groups = await Group.findAll({ where: { isDefault: true, isArchived: false }, attributes: ["id"] });
  if (groups.length === 0) return [];
  return sequelize().transaction(async (transaction) => {
    const existing = new Set(
      (await GroupMembership.findAll({ where: { userId: user.id, groupId: { [Op.in]: groups.map((group) => group.id) } }, attributes: ["groupId"], transaction })).map((m) => m.groupId),
    );
    const joined: number[] = [];
    for (const group of groups) if (!existing.has(group.id) && (await addMember(group, user.id, "member", transaction))) joined.push(group.id);
    return joined;
  });
}
