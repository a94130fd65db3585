import type { Sequelize } from "sequelize";
import { AuditEntry } from "./audit-entry.ts";
import { Invitation } from "./invitation.ts";
import { ModuleState } from "./module-state.ts";
import { PasswordReset } from "./password-reset.ts";
import { Session } from "./session.ts";
import { Setting } from "./setting.ts";
import { User } from "./user.ts";

export { AuditEntry, Invitation, ModuleState, PasswordReset, Session, Setting, User };

/** Binds core models to the app's Sequelize instance (models are process-wide, one app per process). */
export function initCoreModels(sequelize: Sequelize) {
  for (const model of [User, Session, Setting, ModuleState, Invitation, PasswordReset, AuditEntry]) {
    model.initModel(sequelize);
  }
}
