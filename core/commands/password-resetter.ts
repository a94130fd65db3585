import { PasswordReset } from "../models/password-reset.ts";
import { User } from "../models/user.ts";
import { hashPassword } from "../auth/passwords.ts";
import { endSessionsOf } from "../auth/session-store.ts";
import type { AppServices } from "../services.ts";
import { hashSecretToken, isWellFormedToken } from "./secret-token.ts";
import { audit } from "./audit.ts";

/** The reset link is unknown, used or expired: the visitor must ask for a new one. */
export class ResetLinkInvalidError extends Error {
  constructor() {
    super("password:reset.invalid");
  }
}

/** The reset behind a link token, if it can still be used (and its account still may reset). */
export async function findUsableReset(token: unknown): Promise<{ reset: PasswordReset; user: User }> {
  if (!isWellFormedToken(token)) throw new ResetLinkInvalidError();
  const reset = await PasswordReset.findOne({ where: { tokenHash: hashSecretToken(token) } });
  if (!reset || reset.usedAt || reset.expiresAt.getTime() < Date.now()) throw new ResetLinkInvalidError();
  const user = await User.findByPk(reset.userId);
  if (!user || user.status === "disabled" || user.authSource !== "local") throw new ResetLinkInvalidError();
  return { reset, user };
}

/**
 * Sets a new password from a reset link: the link is spent, the password re-hashed and every session
 * of the account ended (whoever knew the old password is signed out), in one transaction.
 */
export async function resetPassword(services: AppServices, token: unknown, password: string): Promise<User> {
  const { reset, user } = await findUsableReset(token);
  const passwordHash = await hashPassword(password);
  await services.sequelize.transaction(async (transaction) => {
    const [claimed] = await PasswordReset.update({ usedAt: new Date() }, { where: { id: reset.id, usedAt: null }, transaction });
    if (claimed !== 1) throw new ResetLinkInvalidError();
    // Any other link of the account dies with this one: a reset is done once.
    await PasswordReset.update({ usedAt: new Date() }, { where: { userId: user.id, usedAt: null }, transaction });
    await user.update({ passwordHash }, { transaction });
    await endSessionsOf(user.id, transaction);
    await audit(user, "password.reset", { type: "user", id: user.id }, undefined, transaction);
  });
  // A locked-out owner who just proved control of the mailbox may sign in again.
  await services.loginLimiter.recordSuccess(user.email);
  await services.loginLimiter.recordSuccess(user.username);
  return user;
}
