import type { User } from "../models/user.ts";
import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import { endSessionsOf } from "../auth/session-store.ts";
import type { AppServices } from "../services.ts";
import { audit } from "./audit.ts";

/** The current password given to change it was wrong. */
export class WrongPasswordError extends Error {
  constructor() {
    super("account:password.wrongCurrent");
  }
}

/** Name and preferred language (null: follow the browser). */
export async function updateProfile(user: User, profile: { displayName: string; language: string | null }) {
  await user.update({ displayName: profile.displayName, language: profile.language });
}

/**
 * Changes a local account's password after checking the current one, and ends every session of the
 * account; the caller starts a fresh one for the browser that made the change.
 */
export async function changePassword(services: AppServices, user: User, currentPassword: string, newPassword: string) {
  if (!(await verifyPassword(user.passwordHash, currentPassword))) throw new WrongPasswordError();
  const passwordHash = await hashPassword(newPassword);
  await services.sequelize.transaction(async (transaction) => {
    await user.update({ passwordHash }, { transaction });
    await endSessionsOf(user.id, transaction);
    await audit(user, "password.changed", { type: "user", id: user.id }, undefined, transaction);
  });
}
