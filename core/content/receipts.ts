import { QueryTypes, type Sequelize, type Transaction } from "sequelize";

/**
 * Read receipts: "I have read this", recorded once. Announcements' receipts (announcement_receipts, per
 * announcement) and what modules ask chosen people to read (read_receipts, per module and subject: the
 * documents' "required reading", through host.readReceipts) share this code: the first moment is kept,
 * whatever the clicks or requests at the same time.
 */

/** Sets a receipt's moment column only while it is empty: one statement, so two at once keep the first. */
export async function recordFirstMoment(sequelize: Sequelize, table: string, column: string, where: Record<string, unknown>, transaction?: Transaction) {
  const conditions = Object.keys(where).map((key) => `${key} = :${key}`).join(" AND ");
  await sequelize.query(`UPDATE ${table} SET ${column} = :now WHERE ${conditions} AND ${column} IS NULL`, { replacements: { ...where, now: new Date() }, transaction });
}

export interface ReadReceipt {
  userId: number;
  displayName: string;
  requestedAt: Date;
  acknowledgedAt: Date | null;
}

/** The receipts of one module's subjects (host.readReceipts): ask chosen people, record their confirmation, list them. */
export interface ModuleReadReceipts {
  /** Asks these people to confirm they read the subject: one receipt each, asking again keeps the first request. */
  ask(subject: string, userIds: number[], requestedBy: number | null, options?: { transaction?: Transaction }): Promise<void>;
  /** The person confirms, once (the first moment is kept); false when they were never asked. */
  acknowledge(subject: string, userId: number): Promise<boolean>;
  /** Everyone asked, by display name, with when they confirmed (null: not yet). */
  list(subject: string): Promise<ReadReceipt[]>;
  /** Forgets a subject's receipts (what was to be read is gone for good). */
  forget(subjects: string[], options?: { transaction?: Transaction }): Promise<void>;
}

export function moduleReadReceipts(sequelize: Sequelize, moduleId: string): ModuleReadReceipts {
  return {
    async ask(subject, userIds, requestedBy, options = {}) {
      const people = [...new Set(userIds)];
      if (people.length === 0) return;
      // One statement for everyone asked; a receipt already there keeps its first request.
      const rows = people.map((_, index) => `(:moduleId, :subject, :user${index}, :requestedBy, :now)`).join(", ");
      await sequelize.query(
        `INSERT INTO read_receipts (module_id, subject, user_id, requested_by, requested_at) VALUES ${rows}
         ON CONFLICT (module_id, subject, user_id) DO NOTHING`,
        { replacements: { moduleId, subject, requestedBy, now: new Date(), ...Object.fromEntries(people.map((userId, index) => [`user${index}`, userId])) }, transaction: options.transaction },
      );
    },
    async acknowledge(subject, userId) {
      const where = { module_id: moduleId, subject, user_id: userId };
      await recordFirstMoment(sequelize, "read_receipts", "acknowledged_at", where);
      const [asked] = await sequelize.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM read_receipts WHERE module_id = :module_id AND subject = :subject AND user_id = :user_id", {
        replacements: where,
        type: QueryTypes.SELECT,
      });
      return Number(asked?.n ?? 0) > 0;
    },
    async list(subject) {
      const rows = await sequelize.query<{ user_id: number; display_name: string; requested_at: string | Date; acknowledged_at: string | Date | null }>(
        `SELECT r.user_id, u.display_name, r.requested_at, r.acknowledged_at FROM read_receipts r JOIN users u ON u.id = r.user_id
         WHERE r.module_id = :moduleId AND r.subject = :subject ORDER BY u.display_name, r.user_id`,
        { replacements: { moduleId, subject }, type: QueryTypes.SELECT },
      );
      return rows.map((row) => ({
        userId: Number(row.user_id),
        displayName: row.display_name,
        requestedAt: new Date(row.requested_at),
        acknowledgedAt: row.acknowledged_at ? new Date(row.acknowledged_at) : null,
      }));
    },
    async forget(subjects, options = {}) {
      if (subjects.length === 0) return;
      await sequelize.query("DELETE FROM read_receipts WHERE module_id = :moduleId AND subject IN (:subjects)", { replacements: { moduleId, subjects }, transaction: options.transaction });
    },
  };
}
