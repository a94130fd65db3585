import { Op } from "sequelize";
import { User, audit, hashSecretToken, newSecretToken, HttpError, forbidden, type Host } from "../../../core/sdk/index.ts";
import { Group } from "../models/group.ts";
import { GroupMembership } from "../models/membership.ts";
import { GroupInvitation } from "../models/invitation.ts";
import { addMember, lockGroup } from "./membership-writer.ts";
import type { GroupAccess } from "../access.ts";

export const invitationLifetimeMs = 14 * 24 * 3600 * 1000;
export const maxInviteesPerRequest = 50;

const sequelize = () => Group.sequelize!;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface InvitationResult {
  /** People with an account, now invited (they see it on /groups and the group's page). */
  invited: User[];
  alreadyMembers: User[];
  /** Addresses without an account: the link to pass on, valid for 14 days. */
  links: { email: string; token: string }[];
  /** Names that are neither an account nor an e-mail address; nothing was written when there are any. */
  unknown: string[];
}

/** "ana, bob@example.com; @carl" → ["ana", "bob@example.com", "carl"] */
export function parseInvitees(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((name) => name.trim().replace(/^@/, "").toLowerCase()).filter(Boolean))];
}

/**
 * Invites accounts (by username or e-mail) and addresses without an account (a link with a token, e-mailed
 * by a queued job in the instance's default language: they have no language yet). An unknown name refuses
 * the whole request, so the form comes back with the names to fix.
 */
export async function invite(access: GroupAccess, inviter: User, names: string[], mail: Host["mail"]): Promise<InvitationResult> {
  if (names.length === 0 || names.length > maxInviteesPerRequest) throw new HttpError(422, "groups:errors.inviteesCount");
  const users = await User.findAll({ where: { status: "active", [Op.or]: [{ username: { [Op.in]: names } }, { email: { [Op.in]: names } }] } });
  const known = new Set(users.flatMap((user) => [user.username, user.email.toLowerCase()]));
  const unknown = names.filter((name) => !known.has(name) && !emailPattern.test(name));
  const emails = names.filter((name) => !known.has(name) && emailPattern.test(name));
  const result: InvitationResult = { invited: [], alreadyMembers: [], links: [], unknown };
  if (unknown.length) return result;
  const memberIds = new Set(
    (await GroupMembership.findAll({ where: { groupId: access.group.id, userId: { [Op.in]: users.map((user) => user.id) } }, attributes: ["userId"] })).map((m) => m.userId),
  );
  const expiresAt = new Date(Date.now() + invitationLifetimeMs);
  await sequelize().transaction(async (transaction) => {
    // Invitations to one group take turns: two admins inviting one person at once replace, not collide on the unique index.
    await lockGroup(access.group, transaction);
    for (const user of users) {
      if (memberIds.has(user.id)) {
        result.alreadyMembers.push(user);
        continue;
      }
      await GroupInvitation.destroy({ where: { groupId: access.group.id, userId: user.id }, transaction });
      await GroupInvitation.create({ groupId: access.group.id, inviterId: inviter.id, userId: user.id, email: null, tokenHash: null, expiresAt }, { transaction });
      result.invited.push(user);
    }
    for (const email of emails) {
      // Re-inviting an address replaces its pending link.
      await GroupInvitation.destroy({ where: { groupId: access.group.id, email, userId: null }, transaction });
      const { token, hash } = newSecretToken();
      const invitation = await GroupInvitation.create({ groupId: access.group.id, inviterId: inviter.id, userId: null, email, tokenHash: hash, expiresAt }, { transaction });
      await mail(
        { to: email, lang: null, keys: "mail.invitation", path: `/groups/invitations/${token}`, params: { inviter: inviter.displayName, group: access.group.name } },
        { transaction, key: `groups:invitation:${invitation.id}` },
      );
      result.links.push({ email, token });
    }
    await audit(inviter, "group.invited", { type: "group", id: access.group.id }, { userIds: result.invited.map((user) => user.id), emails }, transaction);
  });
  return result;
}

/**
 * Accepting one's invitation: the invitee becomes a member. The invitation is claimed by deleting it:
 * of several concurrent accepts only one finds it to delete. Returns whether they joined now.
 */
export async function acceptInvitation(access: GroupAccess, user: User): Promise<boolean> {
  if (!access.invitation) throw new HttpError(404, "groups:errors.noInvitation");
  if (access.group.isArchived) throw forbidden("groups:errors.archived");
  return sequelize().transaction(async (transaction) => {
    const claimed = await GroupInvitation.destroy({ where: { id: access.invitation!.id, userId: user.id }, transaction });
    if (claimed !== 1) throw new HttpError(404, "groups:errors.noInvitation");
    return addMember(access.group, user.id, "member", transaction);
  });
}

export async function declineInvitation(access: GroupAccess, user: User): Promise<void> {
  await GroupInvitation.destroy({ where: { groupId: access.group.id, userId: user.id } });
}

/** A group admin withdraws a pending invitation. */
export async function revokeInvitation(access: GroupAccess, invitationId: number): Promise<void> {
  if (!access.isManager) throw forbidden();
  await GroupInvitation.destroy({ where: { id: invitationId, groupId: access.group.id } });
}

/** The invitation an e-mailed link names, if it is still valid. */
export async function invitationByToken(token: string): Promise<GroupInvitation | null> {
  const invitation = await GroupInvitation.findOne({ where: { tokenHash: hashSecretToken(token) } });
  return invitation && invitation.expiresAt.getTime() > Date.now() ? invitation : null;
}

/**
 * Whoever holds a valid link may use it once, signed in with any account: the link is the invitation.
 * It is spent by deleting it inside the transaction, and only the request whose delete removed the row
 * joins: three accounts using one link at once make one member (on PostgreSQL the others wait for the
 * first commit, then delete nothing). Returns the group and whether the user joined now.
 */
export async function acceptByToken(invitation: GroupInvitation, user: User): Promise<{ group: Group; isNewMember: boolean }> {
  const group = await Group.findByPk(invitation.groupId);
  if (!group) throw new HttpError(404, "groups:invitations.invalidLink");
  if (group.isArchived) throw forbidden("groups:errors.archived");
  const isNewMember = await sequelize().transaction(async (transaction) => {
    const spent = await GroupInvitation.destroy({ where: { id: invitation.id, tokenHash: { [Op.ne]: null } }, transaction });
    if (spent !== 1) throw new HttpError(404, "groups:invitations.invalidLink");
    return addMember(group, user.id, "member", transaction);
  });
  return { group, isNewMember };
}

/** A new account whose address was invited by e-mail finds those invitations waiting under its name. */
export async function claimEmailInvitations(user: User): Promise<void> {
  const pending = await GroupInvitation.findAll({ where: { email: user.email.toLowerCase(), userId: null, expiresAt: { [Op.gt]: new Date() } } });
  for (const invitation of pending) {
    const taken = await GroupInvitation.count({ where: { groupId: invitation.groupId, userId: user.id } });
    if (!taken) await invitation.update({ userId: user.id, tokenHash: null });
  }
}
