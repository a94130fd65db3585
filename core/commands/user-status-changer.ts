import type { AppServices } from "../services.ts";
import { User, type UserStatus } from "../models/user.ts";
import { endSessionsOf } from "../auth/session-store.ts";
import { audit } from "./audit.ts";
import { AdminActionRefusedError, assertAdminsRemain } from "./admin-guard.ts";

export const statusChanges = ["approve", "disable", "enable"] as const;
export type StatusChange = (typeof statusChanges)[number];

/** Which statuses each change starts from, where it leads, and how the audit log names it. */
const transitions: Record<StatusChange, { from: UserStatus[]; to: UserStatus; action: string }> = {
  approve: { from: ["pending"], to: "active", action: "user.approved" },
  disable: { from: ["active", "pending"], to: "disabled", action: "user.disabled" },
  enable: { from: ["disabled"], to: "active", action: "user.enabled" },
};

/**
 * Approves a pending account, disables an account (ending all its sessions) or re-enables it, with an
 * audit entry in the same transaction. `actor` is null for the command line. Resolves with null when
 * no such user exists; throws AdminActionRefusedError when the rules forbid the change.
 */
export async function changeUserStatus(services: Pick<AppServices, "sequelize" | "registry">, actor: User | null, userId: number, change: StatusChange): Promise<User | null> {
  const transition = transitions[change];
  const user = await services.sequelize.transaction(async (transaction) => {
    const target = await User.findByPk(userId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!target) return null;
    if (!transition.from.includes(target.status)) throw new AdminActionRefusedError(`admin:users.errors.not.${change}`);
    if (change === "disable") {
      await assertAdminsRemain(actor, target, transaction);
      await endSessionsOf(target.id, transaction);
    }
    const previous = target.status;
    await target.update({ status: transition.to }, { transaction });
    await audit(actor, transition.action, { type: "user", id: target.id }, { from: previous, to: transition.to }, transaction);
    return target;
  });
  if (user && change === "disable") await services.registry.hooks.emit("user.disabled", { user });
  return user;
}
