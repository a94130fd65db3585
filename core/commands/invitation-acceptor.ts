import { Invitation } from "../models/invitation.ts";
import type { User } from "../models/user.ts";
import type { AppServices } from "../services.ts";
import { createAccount } from "./user-creator.ts";
import { hashSecretToken, isWellFormedToken } from "./secret-token.ts";
import { audit } from "./audit.ts";

export type UnusableReason = "unknown" | "expired" | "used";

/** The invitation link cannot be used; the reason picks the page the visitor sees. */
export class InvitationUnusableError extends Error {
  constructor(readonly reason: UnusableReason) {
    super(`register:invite.${reason}`);
  }
}

/** Finds the pending, unexpired invitation behind a link token, or says why there is none. */
export async function findUsableInvitation(token: unknown): Promise<Invitation> {
  if (!isWellFormedToken(token)) throw new InvitationUnusableError("unknown");
  const invitation = await Invitation.findOne({ where: { tokenHash: hashSecretToken(token) } });
  if (!invitation) throw new InvitationUnusableError("unknown");
  if (invitation.acceptedAt) throw new InvitationUnusableError("used");
  if (invitation.expiresAt.getTime() < Date.now()) throw new InvitationUnusableError("expired");
  return invitation;
}

export interface InvitedAccount {
  displayName: string;
  password: string;
  language: string;
}

/**
 * Creates the invited person's account (active, with the invited role and e-mail) and marks the
 * invitation used, in one transaction: two tabs submitting the same link cannot both succeed.
 */
export async function acceptInvitation(services: AppServices, token: unknown, account: InvitedAccount): Promise<User> {
  const invitation = await findUsableInvitation(token);
  const user = await services.sequelize.transaction(async (transaction) => {
    const [claimed] = await Invitation.update({ acceptedAt: new Date() }, { where: { id: invitation.id, acceptedAt: null }, transaction });
    if (claimed !== 1) throw new InvitationUnusableError("used");
    const created = await createAccount({ ...account, email: invitation.email, role: invitation.role, status: "active" }, transaction);
    await audit(created, "invitation.accepted", { type: "invitation", id: invitation.id }, { role: invitation.role }, transaction);
    return created;
  });
  await services.registry.hooks.emit("user.created", { user });
  return user;
}
