import type { Sequelize } from "sequelize";
import { AuditEntry } from "./audit-entry.ts";
import { Invitation } from "./invitation.ts";
import { ModuleState } from "./module-state.ts";
import { PasswordReset } from "./password-reset.ts";
import { Session } from "./session.ts";
import { Setting } from "./setting.ts";
import { User } from "./user.ts";
import { Content } from "./content.ts";
import { ContentRevision, Post } from "./post.ts";
import { ContentTopic, Topic, TopicFollow } from "./topic.ts";
import { Mention, UserFollow } from "./mention.ts";

export { AuditEntry, Invitation, ModuleState, PasswordReset, Session, Setting, User };
export { Content, ContentRevision, ContentTopic, Mention, Post, Topic, TopicFollow, UserFollow };

/** Every core model, in one list; a feature adds its models here. */
const coreModels = [
  User,
  Session,
  Setting,
  ModuleState,
  Invitation,
  PasswordReset,
  AuditEntry,
  Content,
  Post,
  ContentRevision,
  Topic,
  ContentTopic,
  TopicFollow,
  Mention,
  UserFollow,
];

/** Binds core models to the app's Sequelize instance (models are process-wide, one app per process). */
export function initCoreModels(sequelize: Sequelize) {
  for (const model of coreModels) {
    model.initModel(sequelize);
  }
}
