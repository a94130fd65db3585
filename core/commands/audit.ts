import type { Transaction } from "sequelize";
import { AuditEntry } from "../models/audit-entry.ts";
import type { User } from "../models/user.ts";

/** Records an admin or moderation action in the audit log. */
export function audit(actor: User | null, action: string, subject: { type: string; id: string | number } | null, details?: Record<string, unknown>, transaction?: Transaction) {
  return AuditEntry.create(
    { actorId: actor?.id ?? null, action, subjectType: subject?.type ?? null, subjectId: subject ? String(subject.id) : null, details: details ? JSON.stringify(details) : null },
    { transaction },
  );
}
