import type Router from "@koa/router";
import type { Logger } from "pino";
import type { Sequelize, Transaction } from "sequelize";
import type { ZodType } from "zod";
import type { User } from "../models/user.ts";
import type { Content } from "../models/content.ts";
import type { ContentPolicy } from "../policies/content.ts";
import type { NotificationTypeDefinition, NotifyRequest } from "../notifications/types.ts";
import type { KeyedMail } from "../mail/keyed-mail.ts";

/** A mail of a module: `keys` is a prefix in the module's own catalogue ("mail.invitation" → `<module>:mail.invitation.subject`...). */
export interface ModuleMail extends Omit<KeyedMail, "keys"> {
  keys: string;
}

export type { NotificationTypeDefinition, NotifyRequest } from "../notifications/types.ts";
import type { ModuleSettingsDefinition, ModuleSettingsReader } from "./setting-types.ts";
import type { ScheduledWork } from "./scheduled-work.ts";
import type { ModuleLive } from "../live/module-channel.ts";
import type { ReceivedUpload } from "../content/attachments/received-upload.ts";
export type { ModuleLive } from "../live/module-channel.ts";
import type { ModuleFiles } from "./file-types.ts";
import type { LoginLimiter } from "../auth/login-limiter.ts";
export type { FilePutOptions, FileSendOptions, FileSource, ModuleFiles, StoredFile } from "./file-types.ts";
export type { ModuleSettingsDefinition, ModuleSettingsReader, SettingField, SettingFields, SettingInput, SettingValues } from "./setting-types.ts";
export type { ModuleJobContext, ScheduledWork } from "./scheduled-work.ts";

// Containers are what the policy layer reads (core/policies/content.ts): declared below this contract, in a leaf file.
import type { Container, ContainerTypeDefinition } from "./container-types.ts";
export type { Container, ContainerNotificationLevel, ContainerTypeDefinition } from "./container-types.ts";
import type { MembersPage, MembersQuery } from "../people/container-members.ts";
export type { ContainerMember, MembersPage, MembersQuery } from "../people/container-members.ts";

/** What a module's route handlers find on ctx.state and ctx (re-exported: modules import core types from here). */
export type { AppState, AppContextExtras } from "../http/context.ts";
import type { AppContext } from "../http/context.ts";

/** Actions: fired after something happened; handlers may not change it. Modules add names by declaration merging. */
export interface ActionHooks {
  "user.created": { user: User };
  "user.disabled": { user: User };
  "user.login": { user: User };
  "module.enabled": { moduleId: string };
  "module.disabled": { moduleId: string };
  /** A post or a module's content was written; mentions are the readers allowed to see it. */
  "content.created": { content: Content; author: User; mentionedUserIds: number[]; mentionsContainer: boolean };
  "content.updated": { content: Content; editor: User; mentionedUserIds: number[] };
  "content.deleted": { content: Content; by: User };
  /** A comment or reply was written; mentionedUserIds are the mentioned people allowed to read the content. */
  "comment.created": { comment: import("../models/comment.ts").Comment; content: Content; author: User; mentionedUserIds: number[]; mentionsContainer: boolean };
  /** A reaction was added or changed to another kind (removals are not announced); comment is null for a reaction on the content. */
  "reaction.added": { reaction: import("../models/reaction.ts").Reaction; content: Content; comment: import("../models/comment.ts").Comment | null; user: User };
  /** Someone started following a person (their profile stream now reaches the follower's dashboard). */
  "user.followed": { follower: User; followed: User };
  "announcement.published": { announcement: import("../models/announcement.ts").Announcement; content: Content; by: User };
  /** A container (a group...) and everything in it were removed (host.containers.remove), after the commit. */
  "container.removed": { container: Container; by: User | null };
  /** A container was archived (read-only) or brought back (host.containers.archive / unarchive), after the commit. */
  "container.archived": { container: Container; isArchived: boolean; by: User | null };
}

export interface FooterLink {
  label: string;
  href: string;
}

/** A short list beside the dashboard's stream (e.g. the reader's groups): title and more are translation keys. */
export interface DashboardPanel {
  title: string;
  items: { label: string; href: string }[];
  more?: { label: string; href: string };
}

/** One line of the first-day checklist: label is a translation key, href where to do it. */
export interface FirstDayStep {
  id: string;
  label: string;
  href: string;
  isDone: boolean;
}

/** A group offered to a newcomer: core renders a Join button posting (with the CSRF token and returnTo=/) to joinAction. */
export interface SuggestedGroup {
  name: string;
  href: string;
  joinAction: string;
  summary: string;
  memberCount: number;
  /** One of the groups every newcomer is meant to be in. */
  isDefault: boolean;
}

/** What modules add to a newcomer's first-day block: steps appended to core's checklist, groups to join. */
export interface FirstDayOffer {
  steps: FirstDayStep[];
  groups: SuggestedGroup[];
}

/** Filters: each handler receives the value and returns it, possibly changed. */
export interface FilterHooks {
  "layout.footer.links": FooterLink[];
  /** Panels on the signed-in dashboard, for context.user. */
  "dashboard.panels": DashboardPanel[];
  /** The first-day block of a newcomer's dashboard (context.user), asked only while it shows (core/people/first-day.ts). */
  "dashboard.firstDay": FirstDayOffer;
  "menu.items": MenuEntry[];
  /** Panels on a person's profile page (context.container is the person's profile), under the profile card; same shape as dashboard panels. */
  "profile.panels": DashboardPanel[];
}

export interface HookContext {
  user: User | null;
  container?: Container | null;
}

export type ActionHandler<K extends keyof ActionHooks> = (payload: ActionHooks[K]) => void | Promise<void>;
export type FilterHandler<K extends keyof FilterHooks> = (value: FilterHooks[K], context: HookContext) => FilterHooks[K] | Promise<FilterHooks[K]>;

/** main: the left navigation; group: a group's tabs; profile: a person's profile tabs; user, admin: the account and admin menus. */
export type MenuLocation = "main" | "group" | "profile" | "user" | "admin";

export interface MenuItemDefinition {
  /** A translation key, e.g. "polls:title". */
  label: string;
  href: string | ((container: Container) => string);
  order?: number;
  icon?: string;
  /** Shown only to users who have this permission. */
  permission?: string;
}

/** A menu item ready to render. */
export interface MenuEntry {
  moduleId: string;
  label: string;
  href: string;
  order: number;
  icon?: string;
  isActive?: boolean;
}

export type PermissionScope = "instance" | "group";

export interface PermissionDefinition {
  id: string;
  scope: PermissionScope;
  /** Roles that hold it until an admin changes it: instance roles or container roles. */
  defaults: string[];
}

/** One thing a reader may do with an entry, rendered by core under it: a link, or a button posting a form (with the CSRF token). */
export interface EntryAction {
  /** Translation key of the link or button text. */
  label: string;
  href: string;
  /** "post" renders a button in a form; the default is a plain link. */
  method?: "get" | "post";
  /** Translation key of a question asked before a post goes (with JavaScript). */
  confirm?: string;
}

/** What an action is decided from: the entry as loaded, and what core worked out the viewer may do. */
export interface EntryActionTarget {
  content: Content;
  item: unknown;
  can: { edit: boolean; delete: boolean; restore: boolean; moderate: boolean; manage: boolean; comment: boolean };
}

/** The actions a type offers on one entry, or a module on every entry, for the viewer (null when signed out). */
export type EntryActions = (entry: EntryActionTarget, viewer: User | null) => EntryAction[];

/** What features add to an entry (comments, reactions, attachments...): each declares its field by declaration merging of this file. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface StreamEntryExtras {}

/** One content ready to render: the row, its type's item, author, container, and what the viewer may do. */
export interface StreamEntry extends StreamEntryExtras {
  content: Content;
  /** What the content type's load() returned for it (a Post for posts). */
  item: unknown;
  /** The content type's body template. */
  template: string;
  author: User | null;
  container: Container & { url: string };
  url: string;
  can: { edit: boolean; delete: boolean; restore: boolean; moderate: boolean; manage: boolean; comment: boolean };
  /** Its type's and modules' actions for the viewer (edit, share, vote...), rendered under it. */
  actions: EntryAction[];
  /** Badges modules put in its header (host.entryDecorators). */
  decorations: EntryDecoration[];
}

export interface EntryOptions {
  /** An entry shown inside another (a share's original): its files, but no comments, reactions or follow state. */
  nested?: boolean;
  /** The permalink page: every comment instead of the latest few. */
  full?: boolean;
  /** The page's decorations when already read (entryLoader reads them for its cache keys); otherwise read here. */
  decorations?: Map<number, EntryDecoration[]>;
}

/** A small label core shows in an entry's header ("Answered", "Closed"...), beside "Pinned". */
export interface EntryDecoration {
  /** Translation key of the text, e.g. "qa:answered". */
  label: string;
  params?: Record<string, string | number>;
  /** "ok" and "warn" colour the badge; without it, a neutral one. */
  tone?: "ok" | "warn";
  /** A short symbol (an emoji) shown before the text, hidden from screen readers. */
  icon?: string;
  /** Makes the badge a link (to the accepted answer, the kudos list...). */
  href?: string;
}

/**
 * Decorations for a page of entries, by content id: called once per page with every content of that page
 * in a container where the module is on (never once per entry), so it reads its rows in one query.
 */
export type EntryDecorator = (contents: Content[], viewer: User | null) => Promise<Map<number, EntryDecoration[]>>;

/**
 * A table whose rows belong to contents of a type: its name alone when a `content_id` column holds the
 * content's id; `{ table, contentId }` to name that column; `{ table, contentRef }` for a column holding the
 * content's ref id, the id of the type's own row (a vote's `poll_id`).
 */
export type VersionSource = string | { table: string; contentId: string } | { table: string; contentRef: string };

export interface ContentTypeDefinition {
  type: string;
  /** Renders the body of a stream entry; it gets `entry` (see core/content/entries.ts) with `entry.item` = what load returned. */
  template: string;
  /**
   * Batch-loads the module rows of a page of contents: one query per type, never one per entry. The viewer's policy lets a type show only what the viewer may read (a share of a private post).
   * `contents`: the page's contents of this type, for what belongs to each content rather than to its refId (a share's own note).
   */
  load: (refIds: number[], policy: ContentPolicy, contents?: Content[]) => Promise<Map<number, unknown>>;
  /**
   * The entry's HTML may be kept per reader and shown again until the content's render version or the
   * render epoch moves (core/db/render-versions.ts). Only for a type whose body changes with nothing but
   * its content row (an edit updates it): a poll whose results change with votes, or a share showing
   * another content, must leave this unset unless its triggers bump contents.render_version.
   */
  cacheable?: boolean;
  /**
   * Module tables whose rows change what an entry of this type shows (votes under a poll): core keeps
   * database triggers on them (core/content/versioned-by.ts) so that any insert, update or delete there moves
   * the render version of the content concerned, and a cached entry is rendered again.
   */
  versionedBy?: VersionSource[];
  /** Makes this type's content searchable through database triggers (docs/search.md). */
  search?: import("../search/types.ts").ContentSearch;
  /**
   * Optional, for a type whose entries some readers of their container may not see (its `load` leaves their
   * item out: the entry is not shown, its page is 404): SQL over `contents` aliased `alias`, true for the
   * entries this reader sees, so that their "N new posts" counts only those. Called once per count, and for one
   * entry before it is opened by its address (comments, reactions) or notified to someone.
   */
  shownTo?(user: User, alias: string): Promise<{ sql: string; replacements: Record<string, unknown> }>;
  /**
   * The permission that lets someone write this type in a container (e.g. "polls.create"), checked by the
   * content API instead of the container's posting right; a read-only container still refuses. Without it,
   * whoever may post there may write it.
   */
  createPermission?: string;
  /**
   * Its own actions (edit, vote, close, accept an answer...), rendered by core beside delete, report and
   * the rest; core offers no edit link of its own, so a type without one cannot be edited.
   */
  actions?: EntryActions;
  /**
   * Removes the rows behind these contents for good (their refIds), inside the purge's transaction:
   * the daily purge of soft-deleted contents past their restore window calls it before deleting the
   * content rows. Without it, only the content row goes.
   */
  purge?(refIds: number[], options: { transaction: Transaction }): Promise<void>;
  /** Its tab in the composer of the dashboard, a group and a profile (see ComposerKind); made with defineComposerKind. */
  composer?: ComposerKind;
}

/** What a composer kind's submit gets: who writes (their policy, for host.content.create), where, and what they typed, checked. */
export interface ComposerSubmission<Fields> {
  actor: ContentPolicy;
  container: Container;
  /** Core's text box (Markdown, trimmed), or null when empty or not shown. */
  text: string | null;
  /** The kind's own fields, as its schema parsed them. */
  fields: Fields;
  /** Files from core's file input (empty unless the kind takes files): pass them to host.content.create. */
  uploads: ReceivedUpload[];
}

/**
 * A content type's tab in core's composer: its own fields inside core's form, posted to /compose/<type>.
 * Core checks the writer may post there, that the module is on in the chosen container, and the fields.
 */
export interface ComposerKind<Fields = unknown> {
  /** Translation key of the tab, e.g. "polls:composer.tab". */
  label: string;
  /** Template of its own fields, rendered inside the form with `values` (what was typed) and `errors` (field → translation key). */
  template: string;
  /** Core's text box: false hides it; `label` (a translation key) replaces its label; `required` refuses it empty. Default: shown, optional. */
  text?: false | { label?: string; required?: boolean };
  /** Whether core's file input is offered (the files become the content's attachments). */
  files?: boolean;
  /** Parses the form's body into the kind's fields; its messages are translation keys. */
  fields: ZodType<Fields>;
  /** Writes the content, through host.content.create, and returns it. */
  submit(submission: ComposerSubmission<Fields>): Promise<Content>;
  /** What its template needs beyond `values` and `errors` (the choices of a select), for the writer: read as `tab.locals`. */
  locals?(writer: User): Promise<Record<string, unknown>>;
}

/** One tab of a composer, ready to render (core/content/composer.ts builds them). */
export interface ComposerTab {
  type: string;
  /** Translation keys: the tab, and the label of core's text box. */
  label: string;
  textLabel: string;
  /** The page with this tab open (without JavaScript), and where the form posts. */
  href: string;
  action: string;
  /** The kind's own fields (null for posts, whose title core draws). */
  template: string | null;
  text: "required" | "optional" | "none";
  files: boolean;
  isActive: boolean;
  /** What the kind's `locals` gave for the writer (empty for posts and kinds without it). */
  locals?: Record<string, unknown>;
}

/** A composer ready to render (stream/composer.njk): its tabs, the active one, and a fixed container or a "Post to" list. */
export interface ComposerView {
  kinds: ComposerTab[];
  kind: ComposerTab;
  /** The container written to ("type:id"), when the page is one container's. */
  target?: string;
  /** The "Post to" choices, each with the kinds that may be written there. */
  targets?: { value: string; label: string; kinds: string[] }[];
  returnTo: string;
}

/** Types a composer kind by its fields' schema, for ContentTypeDefinition.composer. */
export function defineComposerKind<Fields>(kind: ComposerKind<Fields>): ComposerKind {
  return kind as unknown as ComposerKind;
}

export type ContainerDisableHandler = (container: Container, transaction: Transaction) => Promise<unknown>;

/** Who removes or archives a container, and the transaction its owner writes the container's own row in. */
export interface ContainerChangeOptions {
  transaction: Transaction;
  by: User | null;
}

/**
 * The lifecycle of the containers a module owns (host.containers; core/content/container-lifecycle.ts):
 * the generic part of removing or archiving one, every module's hook included, in the owner's transaction.
 */
export interface ContainerApi {
  /** Before the owner deletes its row: every module's rows for it, its contents for good, its module switches. */
  remove(container: Container, options: ContainerChangeOptions): Promise<void>;
  /** With the owner's own archived flag: every module's onContainerArchived. */
  archive(container: Container, options: ContainerChangeOptions): Promise<void>;
  unarchive(container: Container, options: ContainerChangeOptions): Promise<void>;
}

/** Files under the module's static/ folder ("list.css", "css/list.css"), appended to /assets/css/site.css and /assets/js/site.js. */
export interface ModuleAssets {
  stylesheets?: string[];
  scripts?: string[];
}

export interface ModuleModel {
  initModel(sequelize: Sequelize): void;
  associate?(): void;
}

export interface ModuleDefinition {
  id: string;
  version: string;
  requires?: string[];
  /** Where it can be switched on: the instance, and containers of these types. */
  scopes: ("instance" | "group" | string)[];
  /** On for a new install until an admin turns it off. */
  enabledByDefault?: boolean;
  models?: ModuleModel[];
  /** Folder of migrations, relative to the module folder. */
  migrations?: string;
  permissions?: PermissionDefinition[];
  contentTypes?: ContentTypeDefinition[];
  containerTypes?: ContainerTypeDefinition[];
  /** Settings shown on a form to the site's admins (/admin/modules/<id>/settings) and to a container's managers. */
  settings?: ModuleSettingsDefinition;
  /** Its own stylesheets and scripts, added to the site's bundles while it is installed. */
  assets?: ModuleAssets;
  register?(host: Host): void | Promise<void>;
  onEnable?: { instance?: (transaction: Transaction) => Promise<unknown> };
  /**
   * A container (a group...) is being removed, in the remover's transaction, whether or not the module is on:
   * delete the module's rows kept for it. Its contents go right after (each type's purge). Without it, the
   * module's onDisable for that container type runs instead.
   */
  onContainerRemoved?(container: Container, options: { transaction: Transaction }): Promise<unknown>;
  /** A container was archived (read-only) or brought back, in that transaction: stop or resume its deadlines, freeze its rows. */
  onContainerArchived?(container: Container, options: { transaction: Transaction; isArchived: boolean }): Promise<unknown>;
  onDisable?: {
    instance?: (transaction: Transaction) => Promise<unknown>;
    group?: ContainerDisableHandler;
    [containerType: string]: ((...args: never[]) => Promise<unknown>) | undefined;
  };
}

/** What a module's write gets inside the content's transaction (host.content). */
export interface ContentWriteContext {
  transaction: Transaction;
  /** Markdown to sanitised HTML, with the text's @mentions linked (the same rendering as posts). */
  html(markdown: string): string;
}

export interface ContentCreateInput {
  /** One of the module's own content types. */
  type: string;
  container: Container;
  /** The Markdown people wrote (title and body, a note...): its @mentions are recorded and notified, its #topics linked. */
  text?: string | null;
  /** Files received with the form: attached to the content, or discarded if the write fails. */
  uploads?: ReceivedUpload[];
  /** The content's ref id when it is known beforehand (a share's original); otherwise what `write` returns. */
  refId?: number;
  /** Writes the module's own row before the content row; returns its id (the content's refId). */
  write?(context: ContentWriteContext): Promise<number | void>;
  /** Writes rows that need the content's id (after the content row, same transaction). */
  afterWrite?(context: ContentWriteContext & { content: Content }): Promise<void>;
}

/** What an edit does to a content's own files: new uploads to attach, ids of attachments to remove. */
export interface AttachmentChanges {
  uploadsDir: string;
  uploads: ReceivedUpload[];
  removeIds: number[];
}

export interface ContentUpdateInput {
  /** The new Markdown people wrote: topics and mentions follow it (newly mentioned people are notified). */
  text?: string | null;
  files?: AttachmentChanges;
  /**
   * Writes the module's change, its content row locked meanwhile; returns the text it replaced (kept in the
   * edit history, shown to the author and moderators), or null when nothing changed.
   */
  write(context: ContentWriteContext): Promise<{ title: string | null; body: string } | null>;
}

/**
 * The content API (core/content/writer.ts): the one writer of contents rows. Each call checks the actor's
 * right (post in the container, edit, delete, restore) and runs in one transaction; see docs/modules.md.
 */
export interface ContentApi {
  create(actor: ContentPolicy, input: ContentCreateInput): Promise<Content>;
  update(actor: ContentPolicy, content: Content, input: ContentUpdateInput): Promise<void>;
  remove(actor: ContentPolicy, content: Content): Promise<void>;
  restore(actor: ContentPolicy, content: Content): Promise<void>;
}

/**
 * A container's stream page, ready for core's templates: for `isPartial` (?partial=1, the next page fetched by
 * script) render "stream/page.njk" with `{ entries, nextUrl, pageContainer }`; otherwise your page, with the
 * announcements ("announcements/list.njk") above the entries (pinned ones first on the first page).
 */
export interface ContainerStreamPage {
  entries: unknown[];
  announcements: unknown[];
  nextUrl: string | null;
  isPartial: boolean;
}

/** A module's state in one container: off for the whole site, forced on by the site's admins, or the container managers' choice. */
export type ContainerModuleState = "unavailable" | "forced" | "enabled" | "disabled";

/** Modules switched on per container (a group's modules and permissions pages). */
export interface ContainerModules {
  /** Every other module usable in containers of this type (not the calling one), with its state in this container. */
  statesIn(container: Container): Promise<{ id: string; state: ContainerModuleState }[]>;
  /** Switches a module on or off in one container (turning it off runs its clean-up); a ModuleError when it cannot be switched there. */
  set(moduleId: string, container: Container, state: "enabled" | "disabled"): Promise<void>;
  /** The container-scope permissions of the calling module and of the modules on in this container: a permission screen's rows. */
  permissionsIn(container: Container): Promise<(PermissionDefinition & { moduleId: string })[]>;
}

/** The narrow facade a module gets: everything it may touch in core, nothing else. */
export interface Host {
  readonly moduleId: string;
  /** Read receipts of what the module asks chosen people to read (core/content/receipts.ts, shared with announcements). */
  readonly readReceipts: import("../content/receipts.ts").ModuleReadReceipts;
  readonly logger: Logger;
  readonly sequelize: Sequelize;
  /** The request's content policy (one per request): what the signed-in reader may read, post in, edit... */
  policyOf(ctx: AppContext): ContentPolicy;
  /** A content policy for another person than the request's (may a recipient read this container?); a fresh one each call. */
  policyFor(user: User | null): ContentPolicy;
  /**
   * Entries of contents, as core's entry templates show them: each type's item, author, container, the
   * viewer's rights and actions, batch-loaded (a bounded number of queries); a switched-off type's are left out.
   */
  entries(policy: ContentPolicy, contents: Content[], options?: Pick<EntryOptions, "nested" | "full">): Promise<StreamEntry[]>;
  /** One page of a container's stream for the request: pinned, announcements, entries, next page (see ContainerStreamPage). */
  containerStream(ctx: AppContext, container: Container, options: { url: string; pageSize?: number }): Promise<ContainerStreamPage>;
  /** Modules that containers switch on for themselves: their states in one container, the switch, the permissions they bring. */
  readonly containerModules: ContainerModules;
  /**
   * Whether this module is on in a container: on for the site, and, in a container type it lists in its scopes,
   * switched on there (or forced). For a module's own routes that act on content wherever it lives (a vote).
   */
  isOnIn(container: Pick<Container, "type" | "id">): Promise<boolean>;
  /** Whether a container takes no new writes (an archived group): a module refuses its own writes there, as host.content does. */
  isReadOnly(container: Pick<Container, "type" | "id">): Promise<boolean>;
  /** Which of these containers of one type the module is on in, with one query: for a module's own lists across containers (a wall of kudos). */
  onInMany(containerType: string, ids: number[]): Promise<Set<number>>;
  /** The composer of one container for a module's page (include "stream/composer.njk" with it); show it only to those who may post there. */
  composerFor(ctx: AppContext, container: Container, options: { returnTo: string }): Promise<ComposerView>;
  /** Usually a Router<AppState, AppContextExtras>, so handlers see ctx.state.user, ctx.state.t and ctx.render. */
  routes<S, C>(router: Router<S, C>): void;
  groupRoutes<S, C>(router: Router<S, C>): void;
  containerRoutes<S, C>(containerType: string, router: Router<S, C>): void;
  menu(location: MenuLocation, item: MenuItemDefinition): void;
  /** The entries of a menu for a viewer (and a container's own menus: a group's tabs, a profile's), permission-checked, in order. */
  menuEntries(location: MenuLocation, context: HookContext): Promise<MenuEntry[]>;
  on<K extends keyof ActionHooks>(name: K, handler: ActionHandler<K>): void;
  filter<K extends keyof FilterHooks>(name: K, handler: FilterHandler<K>): void;
  emit<K extends keyof ActionHooks>(name: K, payload: ActionHooks[K]): Promise<void>;
  permission(definition: PermissionDefinition): void;
  contentType(definition: ContentTypeDefinition): void;
  containerType(definition: ContainerTypeDefinition): void;
  can(user: User | null, permissionId: string, container?: Container | null): Promise<boolean>;
  /** `can` over many containers of one type: which of `ids` grant each permission, in a constant number of queries (a search over every group of a person). */
  canIn(user: User | null, permissionIds: string[], containerType: string, ids: number[]): Promise<Map<string, Set<number>>>;
  /** Declares a notification type "<module id>.<name>": it appears in everyone's settings with its default channels. */
  notificationType(definition: NotificationTypeDefinition): void;
  /** Queues notifications of one of this module's types; core filters, groups, mails and pushes them (docs/modules.md). */
  notify(request: NotifyRequest): Promise<void>;
  /**
   * Queues an e-mail written from this module's own catalogue (see ModuleMail); a job sends it, never the
   * request. Pass the transaction of the write that causes it: no mail if that write rolls back.
   */
  mail(mail: ModuleMail, options?: { transaction?: Transaction; key?: string }): Promise<void>;
  /** Scheduled and deferred work (poll deadlines, nightly rules...): see ScheduledWork. */
  readonly jobs: ScheduledWork;
  /** The module's settings as saved on its settings forms (declared in `settings`). */
  readonly settings: ModuleSettingsReader;
  /** Live updates to the open pages watching a container (poll results, a quiz's next question...). */
  readonly live: ModuleLive;
  /** Adds actions to every entry of every type (e.g. "Share into a group"), shown while the module is on. */
  entryActions(actions: EntryActions): void;
  /** Adds badges to entries of any type (see EntryDecorator), shown where the module is on for the entry's container. */
  entryDecorators(decorator: EntryDecorator): void;
  /**
   * Mounts the module's admin pages at /admin/<module id>/...: core lets only the site's admins in, and
   * answers 404 while the module is off. Their templates extend "admin/layout.njk" (docs/modules.md).
   */
  adminRoutes<S, C>(router: Router<S, C>): void;
  /**
   * Mounts a router at /dav/<module id>/... BEFORE core's body parser, session, CSRF check and page renderer:
   * for a protocol endpoint (WebDAV) whose clients send raw bodies and no cookie. Its handlers see no
   * ctx.state.user, ctx.state.body nor ctx.render: they authenticate each request themselves. 404 while the module is off.
   */
  rawRoutes<S, C>(router: Router<S, C>): void;
  /**
   * The site's sign-in limiter, for a module that checks credentials itself (WebDAV's app passwords): the sign-in
   * form's limits (AGORA_LOGIN_*), counted in Redis when it is configured so every process shares the counts. Its
   * keys are prefixed with the module's id: counted apart from the form's. Ask retryAfter first, record each failure.
   */
  readonly loginLimiter: LoginLimiter;
  /** A container of this type by its slug, if this person may read it (the same check as its pages); null otherwise. */
  containerNamed(type: string, slug: string, user: User | null): Promise<Container | null>;
  /**
   * A container's active members, in name order, a page at a time (id, display name, user name): a group's
   * members, or for the company stream every active person but guests. Empty for a viewer who may not read the
   * container. For pickers (a contest's jurors): `query` narrows by name, `after` takes the previous page's `next`.
   */
  members(container: Container, options: MembersQuery): Promise<MembersPage>;
  /** A person's time zone (IANA name): the one in their notification settings, else the server's (also for null). */
  timeZoneOf(user: { id: number } | null): Promise<string>;
  /** Writes, edits, deletes and restores the module's own content (see ContentApi). */
  readonly content: ContentApi;
  /** Removes and archives containers of the types this module registered, with every module's hooks (see ContainerApi). */
  readonly containers: ContainerApi;
  /** Stores, streams (with ranges) and removes the module's own files (see ModuleFiles). */
  readonly files: ModuleFiles;
}

export function defineModule(definition: ModuleDefinition): ModuleDefinition {
  return definition;
}
