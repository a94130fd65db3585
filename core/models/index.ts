import type { Sequelize } from "sequelize";
import { AuditEntry } from "./audit-entry.ts";
import { Invitation } from "./invitation.ts";
import { ModuleState } from "./module-state.ts";
import { ModuleSetting } from "./module-setting.ts";
import { ModuleFile } from "./module-file.ts";
import { PasswordReset } from "./password-reset.ts";
import { Session } from "./session.ts";
import { Setting } from "./setting.ts";
import { User } from "./user.ts";
import { Content } from "./content.ts";
import { ContentRevision, Post } from "./post.ts";
import { ContentTopic, Topic, TopicFollow } from "./topic.ts";
import { Mention, UserFollow } from "./mention.ts";
import { DirectoryAccount } from "../auth/ldap/directory-account.ts";
import { Attachment } from "./attachment.ts";
import { Comment } from "./comment.ts";
import { Reaction } from "./reaction.ts";
import { ContentReport } from "./content-report.ts";
import { UserProfile, UserTag } from "./profile.ts";
import { Announcement, AnnouncementReceipt } from "./announcement.ts";
import { Notification, NotificationActor } from "./notification.ts";
import { NotificationPreference, NotificationSetting } from "./notification-settings.ts";
import { ContentFollow } from "../notifications/content-follow.ts";
import { Job } from "../jobs/job.ts";
import { ContentLinkPreview, LinkPreview } from "./link-preview.ts";

export { AuditEntry, Invitation, ModuleState, PasswordReset, Session, Setting, User };
export { Content, ContentRevision, ContentTopic, Mention, Post, Topic, TopicFollow, UserFollow };
export { Comment, Reaction };

/** Every core model, in one list; a feature adds its models here. */
const coreModels = [
  User,
  Session,
  Setting,
  ModuleState,
  ModuleSetting,
  ModuleFile,
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
  DirectoryAccount,
  Attachment,
  Comment,
  Reaction,
  UserProfile,
  UserTag,
  ContentReport,
  Announcement,
  AnnouncementReceipt,
  Notification, NotificationActor, NotificationPreference, NotificationSetting, ContentFollow, Job,
  LinkPreview,
  ContentLinkPreview,
];

/** Binds core models to the app's Sequelize instance (models are process-wide, one app per process). */
export function initCoreModels(sequelize: Sequelize) {
  for (const model of coreModels) {
    model.initModel(sequelize);
  }
  Session.associate();
}
