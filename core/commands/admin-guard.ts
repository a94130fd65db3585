import { Op, type Transaction } from "sequelize";
import { User } from "../models/user.ts";

/** An admin action the rules refuse; the message is a translation key shown to the admin. */
export class AdminActionRefusedError extends Error {
  constructor(readonly messageKey: string) {
    super(messageKey);
  }
}

/**
 * Refuses a change that would take `target` out of the active admins when it is the last one, or when
 * an admin aims it at their own account: an instance must never lock itself out of its console.
 * The active admins are locked (PostgreSQL) so two admins demoting each other at once cannot both win.
 */
export async function assertAdminsRemain(actor: User | null, target: User, transaction: Transaction) {
  if (actor && actor.id === target.id) throw new AdminActionRefusedError("admin:users.errors.self");
  if (target.role !== "admin" || target.status !== "active") return;
  const activeAdmins = await User.findAll({
    attributes: ["id"],
    where: { role: "admin", status: "active", id: { [Op.ne]: target.id } },
    lock: transaction.LOCK.UPDATE,
    transaction,
  });
  if (activeAdmins.length === 0) throw new AdminActionRefusedError("admin:users.errors.lastAdmin");
}
