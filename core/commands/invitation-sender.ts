import { Op } from "sequelize";
import { z } from "zod";
import { Invitation } from "../models/invitation.ts";
import { User, type InstanceRole } from "../models/user.ts";
import { composeMail } from "../mail/compose.ts";
import type { AppServices } from "../services.ts";
import { accountFields } from "./user-creator.ts";
import { newSecretToken } from "./secret-token.ts";
import { audit } from "./audit.ts";

export const invitationLifetimeMs = 7 * 24 * 3600 * 1000;
export const maxInvitationsPerRequest = 50;

/** One or several addresses, separated by commas, semicolons, spaces or new lines; duplicates dropped. */
export const invitationEmails = z
  .string()
  .transform((text) => [...new Set(text.split(/[\s,;]+/).map((email) => email.trim().toLowerCase()).filter(Boolean))])
  .pipe(z.array(accountFields.email).min(1, "validation:required").max(maxInvitationsPerRequest, "invitations:errors.tooMany"));

/** Some of the addresses already belong to accounts: nobody is invited, the form says which. */
export class AlreadyMemberError extends Error {
  constructor(readonly emails: string[]) {
    super("invitations:errors.alreadyMember");
  }
}

export interface SentInvitation {
  email: string;
  link: string;
  isSent: boolean;
}


/**
 * Invites people by e-mail. Re-inviting an address replaces its pending invitation (the old link stops
 * working). Invitations are saved in one transaction first; a mail that cannot be sent leaves the
 * invitation in place, and the caller gets the link to pass on by hand.
 */
export async function sendInvitations(services: AppServices, inviter: User, emails: string[], role: InstanceRole): Promise<SentInvitation[]> {
  const members = await User.findAll({ where: { email: { [Op.in]: emails } }, attributes: ["email"] });
  if (members.length > 0) throw new AlreadyMemberError(members.map((member) => member.email));
  const expiresAt = new Date(Date.now() + invitationLifetimeMs);
  const tokens = await services.sequelize.transaction(async (transaction) => {
    await Invitation.destroy({ where: { email: { [Op.in]: emails }, acceptedAt: null }, transaction });
    const created: { email: string; token: string }[] = [];
    for (const email of emails) {
      const { token, hash } = newSecretToken();
      const invitation = await Invitation.create({ email, tokenHash: hash, role, invitedById: inviter.id, expiresAt, acceptedAt: null }, { transaction });
      await audit(inviter, "invitation.created", { type: "invitation", id: invitation.id }, { email, role }, transaction);
      created.push({ email, token });
    }
    return created;
  });
  // Invitees have no language yet: the mail goes out in the instance's default language.
  const { defaultLanguage } = await services.settings.get();
  const results: SentInvitation[] = [];
  for (const { email, token } of tokens) {
    const link = `${services.config.baseUrl}/register?invite=${token}`;
    let isSent = true;
    try {
      const message = await composeMail(services, { to: email, lang: defaultLanguage, kind: "invitation", url: link, params: { inviter: inviter.displayName } });
      await services.mailer.send(message);
    } catch (error) {
      services.logger.error({ err: error, email }, "invitation mail could not be sent");
      isSent = false;
    }
    results.push({ email, link, isSent });
  }
  return results;
}

/**
 * Withdraws a pending invitation; an accepted one is history and stays. Returns whether one was removed.
 * The delete itself checks that it is still pending, so a revoke racing an accept (or another revoke)
 * neither deletes an accepted invitation nor is recorded twice.
 */
export async function revokeInvitation(actor: User, invitationId: number): Promise<boolean> {
  return Invitation.sequelize!.transaction(async (transaction) => {
    const invitation = await Invitation.findOne({ where: { id: invitationId, acceptedAt: null }, transaction });
    if (!invitation) return false;
    if ((await Invitation.destroy({ where: { id: invitationId, acceptedAt: null }, transaction })) !== 1) return false;
    await audit(actor, "invitation.revoked", { type: "invitation", id: invitationId }, { email: invitation.email }, transaction);
    return true;
  });
}
