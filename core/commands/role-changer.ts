import type { AppServices } from "../services.ts";
import { User, type InstanceRole } from "../models/user.ts";
import { audit } from "./audit.ts";
import { assertAdminsRemain } from "./admin-guard.ts";

/**
 * Gives a user another instance role (admin, member or guest), with an audit entry in the same
 * transaction. An admin cannot demote themselves, and the last active admin cannot be demoted.
 * Resolves with null when no such user exists; an unchanged role writes nothing.
 */
export async function changeUserRole(services: Pick<AppServices, "sequelize">, actor: User | null, userId: number, role: InstanceRole): Promise<User | null> {
  return services.sequelize.transaction(async (transaction) => {
    const target = await User.findByPk(userId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!target || target.role === role) return target;
    if (target.role === "admin") await assertAdminsRemain(actor, target, transaction);
    const previous = target.role;
    await target.update({ role }, { transaction });
    await audit(actor, "user.role_changed", { type: "user", id: target.id }, { from: previous, to: role }, transaction);
    return target;
  });
}
