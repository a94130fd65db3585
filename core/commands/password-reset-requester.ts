import { PasswordReset } from "../models/password-reset.ts";
import { User } from "../models/user.ts";
import { composeMail } from "../mail/compose.ts";
import { isLanguage } from "../views/i18n.ts";
import type { AppServices } from "../services.ts";
import { newSecretToken } from "./secret-token.ts";

export const passwordResetLifetimeMs = 3600 * 1000;

/**
 * "Forgot password": mails a single-use link valid for one hour, replacing any earlier link of that
 * account. Unknown, disabled and directory (LDAP) accounts get nothing, and the caller answers the
 * same in every case, so the form does not reveal who has an account. The mail goes out in the
 * background so the answer takes as long whether or not a mail is sent.
 */
export async function requestPasswordReset(services: AppServices, email: string): Promise<void> {
  const user = await User.findOne({ where: { email: email.trim().toLowerCase() } });
  if (!user || user.status === "disabled") return;
  if (user.authSource !== "local") {
    services.logger.info({ userId: user.id, authSource: user.authSource }, "password reset refused: the account's password lives in the directory");
    return;
  }
  const { token, hash } = newSecretToken();
  await services.sequelize.transaction(async (transaction) => {
    // Locks the account's row: concurrent requests take turns, so each replaces the one before and one link stays live.
    await User.findByPk(user.id, { attributes: ["id"], lock: transaction.LOCK.UPDATE, transaction });
    await PasswordReset.destroy({ where: { userId: user.id, usedAt: null }, transaction });
    await PasswordReset.create({ userId: user.id, tokenHash: hash, expiresAt: new Date(Date.now() + passwordResetLifetimeMs), usedAt: null }, { transaction });
  });
  const { defaultLanguage } = await services.settings.get();
  const url = `${services.config.baseUrl}/password/reset?token=${token}`;
  void (async () => {
    const message = await composeMail(services, { to: user.email, lang: isLanguage(user.language) ? user.language : defaultLanguage, kind: "passwordReset", url, params: { name: user.displayName } });
    await services.mailer.send(message);
  })().catch((error: unknown) => services.logger.error({ err: error, userId: user.id }, "password reset mail could not be sent"));
}
