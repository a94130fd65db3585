// The module SDK: everything of core a module may use, and the only place a module imports core from
// (test/architecture/imports.test.ts keeps it so). Nothing inside core imports this file.

// The module contract: the definition, the host facade and the types they use.
export { defineModule } from "../modules/types.ts";
export type {
  ActionHandler,
  ActionHooks,
  AttachmentChanges,
  Container,
  ContainerDisableHandler,
  ContainerNotificationLevel,
  ContainerTypeDefinition,
  ContentApi,
  ContentCreateInput,
  ContentTypeDefinition,
  ContentUpdateInput,
  ContentWriteContext,
  DashboardPanel,
  FilterHandler,
  FilterHooks,
  FooterLink,
  Host,
  HookContext,
  MenuEntry,
  MenuItemDefinition,
  MenuLocation,
  ModuleDefinition,
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
} from "../modules/types.ts";
export { ModuleError } from "../modules/registry.ts";

// HTTP: the request's context, errors shown to people, the signed-in user, forms, flash messages.
export type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
export { HttpError, badRequest, forbidden, notFound } from "../http/errors.ts";
export { requireAdmin, requireUser } from "../auth/current-user.ts";
export { renderInvalid, validateForm, type FieldErrors } from "../routes/form.ts";
export { flash } from "../views/render.ts";
export { idParam, policyOf, queryValue } from "../content/request.ts";

// Content and people as modules read them.
export type { ContentPolicy } from "../policies/content.ts";
export { Content, streamKeyOf } from "../models/content.ts";
export { User, shownUserAttributes } from "../models/user.ts";
export { plainText, renderMarkdown } from "../content/markdown.ts";

// Audit log and single-use secrets (invitation links...).
export { audit } from "../commands/audit.ts";
export { hashSecretToken, isWellFormedToken, newSecretToken } from "../commands/secret-token.ts";

// Migrations.
export { dropColumn } from "../db/migrate.ts";
