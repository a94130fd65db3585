// The module SDK: everything of core a module may use, and the only place a module imports core from
// (test/architecture/imports.test.ts keeps it so). Nothing inside core imports this file.

// The module contract: the definition, the host facade and the types they use.
export { defineComposerKind, defineModule } from "../modules/types.ts";
export type {
  ActionHandler,
  ActionHooks,
  AttachmentChanges,
  ComposerKind,
  ComposerSubmission,
  ComposerTab,
  ComposerView,
  Container,
  ContainerApi,
  ContainerChangeOptions,
  ContainerMember,
  ContainerDisableHandler,
  ContainerModules,
  ContainerModuleState,
  ContainerNotificationLevel,
  ContainerStreamPage,
  ContainerTypeDefinition,
  ContentApi,
  ContentCreateInput,
  ContentTypeDefinition,
  ContentUpdateInput,
  ContentWriteContext,
  DashboardPanel,
  EntryDecoration,
  EntryDecorator,
  EntryOptions,
  FilePutOptions,
  FileSendOptions,
  FileSource,
  FilterHandler,
  FilterHooks,
  FirstDayOffer,
  FirstDayStep,
  FooterLink,
  Host,
  HookContext,
  MenuEntry,
  MenuItemDefinition,
  MembersPage,
  MembersQuery,
  MenuLocation,
  ModuleAssets,
  ModuleDefinition,
  ModuleFiles,
  ModuleJobContext,
  ModuleLive,
  ModuleMail,
  ModuleModel,
  ModuleSettingsDefinition,
  NotificationTypeDefinition,
  NotifyRequest,
  PermissionDefinition,
  PermissionScope,
  ScheduledWork,
  SettingField,
  SettingFields,
  SettingInput,
  SettingValues,
  VersionSource,
  StoredFile,
  StreamEntry,
  SuggestedGroup,
} from "../modules/types.ts";
export { ModuleError } from "../modules/registry.ts";
export type { ReceivedUpload } from "../content/attachments/received-upload.ts";

// HTTP: the request's context, errors shown to people, the signed-in user, forms, flash messages.
export type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
export { HttpError, badRequest, forbidden, notFound } from "../http/errors.ts";
export { requireAdmin, requireUser, safeNext } from "../auth/current-user.ts";
export { renderInvalid, validateForm, type FieldErrors } from "../routes/form.ts";
export { flash } from "../views/render.ts";
export { idParam, queryValue } from "../content/request.ts";

// Content and people as modules read them.
export type { ContentPolicy } from "../policies/content.ts";
export type { ContentSearch, ItemSearch, SearchViewer } from "../search/types.ts";
export { Content, streamKeyOf } from "../models/content.ts";
export { User, shownUserAttributes } from "../models/user.ts";
export { plainText, renderMarkdown } from "../content/markdown.ts";

// Audit log and single-use secrets (invitation links...).
export { audit } from "../commands/audit.ts";
export { hashSecretToken, isWellFormedToken, newSecretToken } from "../commands/secret-token.ts";

// Migrations, and the triggers that keep cached pages honest: a table whose rows change what entries show
// moves the render epoch (epochTriggers); one whose rows change what a reader follows or belongs to moves
// that reader's subscriptions version (subscriptionsVersion*Triggers), which ReaderMemo reads.
export { dropColumn } from "../db/migrate.ts";
export { dropRenderTriggers, epochTriggers, type Dialect } from "../db/render-versions.ts";
export { dropSubscriptionsVersionTriggers, subscriptionsVersionFanOutTriggers, subscriptionsVersionTriggers } from "../db/subscriptions-version.ts";
export { ReaderMemo } from "../util/reader-memo.ts";

// Directory sign-in (LDAP): the "ldap.memberships" action's payload and directory names in normal form.
export type { LdapMembershipsPayload } from "../auth/ldap/hooks.ts";
export { normalizeDnOrNull } from "../auth/ldap/dn.ts";
