import Router from "@koa/router";
import type { Middleware } from "koa";
import compose from "koa-compose";
import path from "node:path";
import type { Logger } from "pino";
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { ModuleState, type ModuleStateValue } from "../models/module-state.ts";
import type { User } from "../models/user.ts";
import type { MigrationSource } from "../db/migrate.ts";
import { HookBus } from "./hooks.ts";
import { emptyRegistrations, type Registrations } from "./registrations.ts";
import { discoverModules, type DiscoveredModule } from "./loader.ts";
import type { ModuleJobs } from "./scheduled-work.ts";
import { NotificationTypes } from "../notifications/types.ts";
import type { Content } from "../models/content.ts";
import type { ModuleFiles } from "./file-types.ts";
import type { ModuleAssetSource } from "../views/asset-bundles.ts";
import type { Container, ContainerApi, ContainerTypeDefinition, ContentApi, ContentTypeDefinition, EntryAction, EntryActionTarget, EntryDecoration, HookContext, Host, MenuEntry, MenuLocation, ModuleDefinition, PermissionDefinition } from "./types.ts";

export interface ModuleInfo {
  id: string;
  version: string | null;
  requires: string[];
  scopes: string[];
  state: ModuleStateValue;
  isEnabled: boolean;
  error: string | null;
}

export class ModuleError extends Error {}

/** Loads modules, keeps their on/off state, and is the only place core reaches modules through. */
/**
 * The company stream and people's profiles have no switches of their own: a module is on there when it is on
 * for the site, unless it lists the container type in its scopes (a module that lets each person choose, "user").
 */
function followsSiteSwitch(containerType: string, definition: ModuleDefinition): boolean {
  return (containerType === "user" || containerType === "company") && !definition.scopes.includes(containerType);
}

export class ModuleRegistry {
  private discovered: DiscoveredModule[] = [];
  private registrations = new Map<string, Registrations>();
  private instanceStates = new Map<string, ModuleStateValue>();
  private refreshedAt = 0;
  readonly hooks: HookBus;
  readonly containerTypes = new Map<string, ContainerTypeDefinition>();
  private containerTypeOwners = new Map<string, string>();
  readonly permissions = new Map<string, PermissionDefinition & { moduleId: string }>();
  readonly contentTypes = new Map<string, ContentTypeDefinition & { moduleId: string }>();
  readonly notificationTypes = new NotificationTypes();

  constructor(
    private sequelize: Sequelize,
    private logger: Logger,
  ) {
    // Core's own listeners (notifications...) subscribe as "core" and are always on.
    this.hooks = new HookBus((id) => id === "core" || this.isEnabled(id), logger);
  }

  /** Core's own container and content types (company stream, profiles, posts): registered before any module, always on. */
  addCore(definitions: { containerTypes?: ContainerTypeDefinition[]; contentTypes?: ContentTypeDefinition[] }) {
    for (const containerType of definitions.containerTypes ?? []) {
      this.containerTypes.set(containerType.type, containerType);
      this.containerTypeOwners.set(containerType.type, "core");
    }
    for (const contentType of definitions.contentTypes ?? []) this.contentTypes.set(contentType.type, { ...contentType, moduleId: "core" });
  }

  /** A container type whose owner is on (core's are always on). */
  containerType(type: string): ContainerTypeDefinition | null {
    const owner = this.containerTypeOwners.get(type);
    if (!owner || !(owner === "core" || this.isEnabled(owner))) return null;
    return this.containerTypes.get(type) ?? null;
  }

  /** The module that registered a container type ("core" for core's own), or null. */
  containerTypeOwner(type: string): string | null {
    return this.containerTypeOwners.get(type) ?? null;
  }

  /** A content type whose module is on; content of a switched-off module disappears from streams. */
  contentType(type: string): ContentTypeDefinition | null {
    const definition = this.contentTypes.get(type);
    return definition && (definition.moduleId === "core" || this.isEnabled(definition.moduleId)) ? definition : null;
  }

  /** Whether a content's module is on in the content's container: core's types always, a module's by its switch there. */
  async isContentSwitchedOn(content: { type: string; containerType: string; containerId: number }): Promise<boolean> {
    const definition = this.contentTypes.get(content.type);
    if (!definition || definition.moduleId === "core") return Boolean(definition);
    // As moduleGateSql: only where the module is chosen per container does that container's switch count.
    if (!this.definition(definition.moduleId)?.scopes.includes(content.containerType)) return this.isEnabled(definition.moduleId);
    return this.isEnabledIn(definition.moduleId, { type: content.containerType, id: content.containerId });
  }

  /**
   * Whether a type that leaves some entries out for some readers of their container (ContentTypeDefinition.shownTo)
   * shows this one to this person: one statement, for a content opened by its address or a notification's recipient.
   */
  async isContentShownTo(content: Pick<Content, "id" | "type">, user: User | null): Promise<boolean> {
    return (await this.contentsShownTo([content], user)).has(content.id);
  }

  /** The ids among these contents that their types show to this person: one statement per type that hides some (a notifications page). */
  async contentsShownTo(contents: Pick<Content, "id" | "type">[], user: User | null): Promise<Set<number>> {
    const shown = new Set<number>();
    const hiding = new Map<string, number[]>();
    for (const content of contents) {
      if (!this.contentType(content.type)?.shownTo) shown.add(content.id);
      else hiding.set(content.type, [...(hiding.get(content.type) ?? []), content.id]);
    }
    if (!user) return shown;
    for (const [type, ids] of hiding) {
      const { sql, replacements } = await this.contentType(type)!.shownTo!(user, "contents");
      const rows = await this.sequelize.query<{ id: number }>(`SELECT contents.id FROM contents WHERE contents.id IN (:shownContentIds) AND (${sql})`, {
        replacements: { ...replacements, shownContentIds: ids },
        type: QueryTypes.SELECT,
      });
      for (const row of rows) shown.add(Number(row.id));
    }
    return shown;
  }

  /** Imports module code and binds its models; failures are recorded, never thrown. */
  async load(modulePaths: string[]) {
    this.discovered = await discoverModules(modulePaths, this.logger);
    for (const module of this.usable()) {
      try {
        for (const model of module.definition!.models ?? []) model.initModel(this.sequelize);
        for (const model of module.definition!.models ?? []) model.associate?.();
      } catch (error) {
        this.fail(module, error, "module models failed to initialise");
      }
    }
  }

  migrationSources(): MigrationSource[] {
    return this.usable()
      .filter((m) => m.definition!.migrations)
      .map((m) => ({ namespace: m.id, directory: path.join(m.directory, m.definition!.migrations!) }));
  }

  /**
   * Calls each module's register(host) with the host `hostFor` makes (app.ts: the host sits above the
   * registry); what a module added is kept only if register() succeeded.
   */
  async registerAll(hostFor: (moduleId: string, registrations: Registrations) => Host) {
    for (const module of this.usable()) {
      const definition = module.definition!;
      const registrations = emptyRegistrations();
      registrations.permissions.push(...(definition.permissions ?? []));
      registrations.contentTypes.push(...(definition.contentTypes ?? []));
      registrations.containerTypes.push(...(definition.containerTypes ?? []));
      try {
        await definition.register?.(hostFor(module.id, registrations));
        this.checkContainerTypes(module.id, registrations);
      } catch (error) {
        this.fail(module, error, "module failed to register");
        continue;
      }
      this.adopt(module.id, registrations);
    }
    await this.refreshStates();
  }

  /** Two modules claiming one container type would silently take over each other's pages: the second one fails. */
  private checkContainerTypes(moduleId: string, registrations: Registrations) {
    for (const { type } of registrations.containerTypes) {
      const owner = this.containerTypeOwners.get(type);
      if (owner && owner !== moduleId) throw new Error(`container type "${type}" is already registered by module "${owner}"`);
    }
  }

  private adopt(moduleId: string, registrations: Registrations) {
    this.registrations.set(moduleId, registrations);
    for (const { name, handler } of registrations.actions) this.hooks.on(moduleId, name, handler);
    for (const { name, handler } of registrations.filters) this.hooks.filter(moduleId, name, handler);
    for (const permission of registrations.permissions) this.permissions.set(permission.id, { ...permission, moduleId });
    for (const contentType of registrations.contentTypes) this.contentTypes.set(contentType.type, { ...contentType, moduleId });
    for (const notificationType of registrations.notificationTypes) this.notificationTypes.add(moduleId, notificationType);
    for (const containerType of registrations.containerTypes) {
      this.containerTypes.set(containerType.type, containerType);
      this.containerTypeOwners.set(containerType.type, moduleId);
    }
  }

  private fail(module: DiscoveredModule, error: unknown, message: string) {
    this.logger.error({ module: module.id, err: error }, `${message}; it stays disabled`);
    module.error = String((error as Error)?.message ?? error);
  }

  private usable() {
    return this.discovered.filter((m) => m.definition && !m.error);
  }

  definition(moduleId: string): ModuleDefinition | null {
    return this.discovered.find((m) => m.id === moduleId && !m.error)?.definition ?? null;
  }

  templateDirectories(): string[] {
    return this.usable().map((m) => path.join(m.directory, "templates"));
  }

  /** Installed modules' stylesheets and scripts (on or off: bundles are made at start), for the page bundles. */
  assetSources(): ModuleAssetSource[] {
    return this.usable().flatMap((m) => (m.definition!.assets ? [{ moduleId: m.id, directory: m.directory, assets: m.definition!.assets }] : []));
  }

  /** Each installed module's static/ folder, served under /assets/modules/<id>/. */
  staticDirectories(): Map<string, string> {
    return new Map(this.usable().map((m) => [m.id, path.join(m.directory, "static")]));
  }

  localeDirectories(): { moduleId: string; directory: string }[] {
    return this.usable().map((m) => ({ moduleId: m.id, directory: path.join(m.directory, "locales") }));
  }

  async refreshStates() {
    const rows = await ModuleState.findAll({ where: { containerId: null } });
    this.instanceStates = new Map(rows.map((row) => [row.moduleId, row.state]));
    this.refreshedAt = Date.now();
  }

  /** Several app processes share one database: picks up switches made by the others, at most once per interval. */
  async refreshIfStale(maxAgeMs = 5000) {
    if (Date.now() - this.refreshedAt >= maxAgeMs) await this.refreshStates();
  }

  private instanceState(module: DiscoveredModule): ModuleStateValue {
    return this.instanceStates.get(module.id) ?? (module.definition?.enabledByDefault ? "enabled" : "disabled");
  }

  /** Switched on for the instance and in every container ("forced"). */
  isForced(moduleId: string): boolean {
    return this.instanceStates.get(moduleId) === "forced";
  }

  /** On for the instance: loaded, registered, switched on, and every module it requires is on too. */
  isEnabled(moduleId: string): boolean {
    const module = this.discovered.find((m) => m.id === moduleId);
    if (!module || module.error || !this.registrations.has(moduleId)) return false;
    if (this.instanceState(module) === "disabled") return false;
    return (module.definition!.requires ?? []).every((required) => this.isEnabled(required));
  }

  /** On in one container: on for the instance, then forced, or chosen by the container's admins. */
  async isEnabledIn(moduleId: string, container: Pick<Container, "type" | "id">): Promise<boolean> {
    return (await this.enabledIn(container, [moduleId])).has(moduleId);
  }

  /** Which of these modules are on in one container, answered with one query whatever their number. */
  private async enabledIn(container: Pick<Container, "type" | "id">, moduleIds: string[]): Promise<Set<string>> {
    const followsSite = (id: string) => followsSiteSwitch(container.type, this.definition(id)!);
    const onForSite = moduleIds.filter((id) => this.isEnabled(id));
    const candidates = onForSite.filter((id) => !followsSite(id) && this.definition(id)!.scopes.includes(container.type));
    const forced = [...candidates.filter((id) => this.instanceStates.get(id) === "forced"), ...onForSite.filter(followsSite)];
    const chosen = candidates.filter((id) => !forced.includes(id));
    if (chosen.length === 0) return new Set(forced);
    const rows = await ModuleState.findAll({
      where: { moduleId: chosen, containerType: container.type, containerId: container.id, state: "enabled" },
      attributes: ["moduleId"],
    });
    return new Set([...forced, ...rows.map((row) => row.moduleId)]);
  }

  /** Which of these containers (all of one type) have a module on: one query whatever their number (the composer's "Post to" list). */
  async containersWithModule(moduleId: string, containerType: string, ids: number[]): Promise<Set<number>> {
    const definition = this.definition(moduleId);
    if (!definition || !this.isEnabled(moduleId) || ids.length === 0) return new Set();
    if (followsSiteSwitch(containerType, definition)) return new Set(ids);
    if (!definition.scopes.includes(containerType)) return new Set();
    if (this.instanceStates.get(moduleId) === "forced") return new Set(ids);
    const rows = await ModuleState.findAll({ where: { moduleId, containerType, containerId: ids, state: "enabled" }, attributes: ["containerId"] });
    return new Set(rows.map((row) => row.containerId!));
  }

  list(): ModuleInfo[] {
    return this.discovered.map((m) => ({
      id: m.id,
      version: m.definition?.version ?? null,
      requires: m.definition?.requires ?? [],
      scopes: m.definition?.scopes ?? [],
      state: this.instanceState(m),
      isEnabled: this.isEnabled(m.id),
      error: m.error,
    }));
  }

  /**
   * Switches a module on for the instance ("forced" also turns it on in every container).
   * `alongside` runs in the same transaction as the switch (e.g. the audit entry).
   */
  async enable(moduleId: string, state: "enabled" | "forced" = "enabled", alongside?: (transaction: Transaction) => Promise<unknown>) {
    const module = this.discovered.find((m) => m.id === moduleId);
    if (!module || module.error || !this.registrations.has(moduleId)) throw new ModuleError("modules:errors.unavailable");
    if (state === "forced" && !module.definition!.scopes.some((scope) => scope !== "instance")) throw new ModuleError("modules:errors.notForceable");
    for (const required of module.definition!.requires ?? []) {
      if (!this.isEnabled(required)) throw new ModuleError("modules:errors.requires");
    }
    await this.sequelize.transaction(async (transaction) => {
      await this.writeInstanceState(moduleId, state, transaction);
      await module.definition!.onEnable?.instance?.(transaction);
      await alongside?.(transaction);
    });
    await this.refreshStates();
    await this.hooks.emit("module.enabled", { moduleId });
  }

  /** Switches a module off; its onDisable clean-up (and `alongside`) runs in the same transaction as the switch. */
  async disable(moduleId: string, alongside?: (transaction: Transaction) => Promise<unknown>) {
    const module = this.discovered.find((m) => m.id === moduleId);
    if (!module) throw new ModuleError("modules:errors.unavailable");
    const dependents = this.discovered.filter((m) => m.definition?.requires?.includes(moduleId) && this.isEnabled(m.id));
    if (dependents.length > 0) throw new ModuleError("modules:errors.required");
    await this.sequelize.transaction(async (transaction) => {
      await this.writeInstanceState(moduleId, "disabled", transaction);
      await module.definition?.onDisable?.instance?.(transaction);
      await alongside?.(transaction);
    });
    await this.refreshStates();
    await this.hooks.emit("module.disabled", { moduleId });
  }

  private async writeInstanceState(moduleId: string, state: ModuleStateValue, transaction: Transaction) {
    const existing = await ModuleState.findOne({ where: { moduleId, containerId: null }, transaction });
    if (existing) await existing.update({ state }, { transaction });
    else await ModuleState.create({ moduleId, containerType: null, containerId: null, state }, { transaction });
  }

  /** Sets a module's state in one container; turning it off runs the module's clean-up for that container. */
  async setContainerState(moduleId: string, container: Container, state: "enabled" | "disabled") {
    const definition = this.definition(moduleId);
    if (!definition || !this.isEnabled(moduleId) || !definition.scopes.includes(container.type)) {
      throw new ModuleError("modules:errors.unavailable");
    }
    await this.sequelize.transaction(async (transaction) => {
      const where = { moduleId, containerType: container.type, containerId: container.id };
      const existing = await ModuleState.findOne({ where, transaction });
      if (existing) await existing.update({ state }, { transaction });
      else await ModuleState.create({ ...where, state }, { transaction });
      const cleanUp = definition.onDisable?.[container.type] as ((c: Container, t: Transaction) => Promise<unknown>) | undefined;
      if (state === "disabled") await cleanUp?.(container, transaction);
    });
  }

  /** The actions of an entry for its viewer: its type's own, then those modules that are on add to every entry. */
  entryActions(entry: EntryActionTarget, viewer: User | null): EntryAction[] {
    const own = this.contentType(entry.content.type)?.actions?.(entry, viewer) ?? [];
    const added = [...this.registrations].filter(([moduleId]) => this.isEnabled(moduleId)).flatMap(([, registrations]) => registrations.entryActions.flatMap((actions) => actions(entry, viewer)));
    return [...own, ...added];
  }

  /**
   * The badges modules put on a page of entries (host.entryDecorators), by content id: each decorator is
   * called once with the page's contents in containers where its module is on; modules in load order.
   * One that throws is logged and skipped, like a filter hook: the page shows without its badges.
   */
  async entryDecorations(contents: Content[], viewer: User | null): Promise<Map<number, EntryDecoration[]>> {
    const decorations = new Map<number, EntryDecoration[]>();
    const decorating = [...this.registrations].filter(([moduleId, registrations]) => registrations.entryDecorators.length > 0 && this.isEnabled(moduleId));
    if (decorating.length === 0 || contents.length === 0) return decorations;
    const onIn = await this.enabledInContainers(contents, decorating.map(([moduleId]) => moduleId));
    for (const [moduleId, registrations] of decorating) {
      const reached = contents.filter((content) => onIn(moduleId, content));
      if (reached.length === 0) continue;
      for (const decorator of registrations.entryDecorators) {
        const added = await decorator(reached, viewer).catch((error: unknown) => {
          this.logger.error({ module: moduleId, err: error }, "entry decorator failed");
          return new Map<number, EntryDecoration[]>();
        });
        for (const [contentId, badges] of added) decorations.set(contentId, [...(decorations.get(contentId) ?? []), ...badges]);
      }
    }
    return decorations;
  }

  /**
   * Whether each module is on in each content's container, with one query per container type: a container
   * type the module lists in its scopes follows the container's own switch (forced, or chosen there); any
   * other type (the company stream for an instance-wide module) follows the site's switch.
   */
  private async enabledInContainers(contents: Content[], moduleIds: string[]): Promise<(moduleId: string, content: Content) => boolean> {
    const chosen = new Set<string>();
    for (const type of new Set(contents.map((content) => content.containerType))) {
      const choosing = moduleIds.filter((id) => this.definition(id)!.scopes.includes(type) && this.instanceStates.get(id) !== "forced");
      if (choosing.length === 0) continue;
      const ids = [...new Set(contents.filter((content) => content.containerType === type).map((content) => content.containerId))];
      const rows = await ModuleState.findAll({ where: { moduleId: choosing, containerType: type, containerId: ids, state: "enabled" }, attributes: ["moduleId", "containerId"] });
      for (const row of rows) chosen.add(`${row.moduleId}|${type}:${row.containerId}`);
    }
    return (moduleId, content) => {
      const definition = this.definition(moduleId)!;
      if (!definition.scopes.includes(content.containerType) || this.instanceStates.get(moduleId) === "forced") return true;
      return chosen.has(`${moduleId}|${content.containerType}:${content.containerId}`);
    };
  }

  /** Each module's declared job handlers and periodic work (host.jobs), for the job worker. */
  *moduleJobs(): Generator<[string, ModuleJobs]> {
    for (const [moduleId, registrations] of this.registrations) yield [moduleId, registrations.jobs];
  }

  /** One middleware mounting every module's routes; a disabled module's routes fall through to 404. */
  routes(): Middleware {
    const mounted: Middleware[] = [];
    for (const [moduleId, registrations] of this.registrations) {
      for (const router of registrations.routers) {
        const routes = router.routes();
        const methods = router.allowedMethods();
        mounted.push((ctx, next) => (this.isEnabled(moduleId) ? routes(ctx as never, () => methods(ctx as never, next)) : next()));
      }
      for (const { containerType, router } of registrations.containerRouters) {
        mounted.push(this.containerMount(moduleId, containerType, router));
      }
    }
    return compose(mounted);
  }

  /**
   * Every module's admin pages at /admin/<module id>/... (host.adminRoutes), for core's admin console to
   * mount behind its admin check; a disabled module's fall through to 404.
   */
  adminRoutes(): Middleware {
    const mounted: Middleware[] = [];
    for (const [moduleId, registrations] of this.registrations) {
      for (const router of registrations.adminRouters) {
        const outer = new Router({ prefix: `/admin/${moduleId}` });
        outer.use(router.routes(), router.allowedMethods());
        const routes = outer.routes();
        mounted.push((ctx, next) => (this.isEnabled(moduleId) ? routes(ctx as never, next) : next()));
      }
    }
    return compose(mounted);
  }

  /** Every module's raw routes at /dav/<module id>/... (host.rawRoutes), mounted before the body parser and session. */
  rawRoutes(): Middleware {
    const mounted: Middleware[] = [];
    for (const [moduleId, registrations] of this.registrations) {
      for (const router of registrations.rawRouters) {
        const outer = new Router({ prefix: `/dav/${moduleId}` });
        outer.use(router.routes(), router.allowedMethods());
        const routes = outer.routes();
        mounted.push((ctx, next) => (this.isEnabled(moduleId) ? routes(ctx as never, next) : next()));
      }
    }
    return compose(mounted);
  }

  /** Mounts a module's container router at <prefix>/:slug/<module>/, resolving and checking the container once. */
  private containerMount(moduleId: string, containerType: string, router: Router): Middleware {
    const definition = this.containerTypes.get(containerType);
    const owner = this.containerTypeOwners.get(containerType);
    if (!definition || !owner) return (_ctx, next) => next();
    const outer = new Router({ prefix: definition.routePrefix });
    outer.use(`/:containerSlug/${moduleId}`, async (ctx, next) => {
      const container = await definition.resolve(ctx.params.containerSlug);
      if (!container || !(await definition.canRead(ctx.state.user ?? null, container))) return;
      if (!(await this.isEnabledIn(moduleId, container))) return;
      ctx.state.container = container;
      await next();
    }, router.routes(), router.allowedMethods());
    const routes = outer.routes();
    return (ctx, next) => ((owner === "core" || this.isEnabled(owner)) && this.isEnabled(moduleId) ? routes(ctx as never, next) : next());
  }

  /** Menu entries of enabled modules for a location, permission-checked, ordered, then filtered by hooks. */
  async menu(location: MenuLocation, context: HookContext, can: (permissionId: string) => Promise<boolean>): Promise<MenuEntry[]> {
    const items = [...this.registrations].flatMap(([moduleId, registrations]) =>
      registrations.menus.filter((menu) => menu.location === location).map(({ item }) => ({ moduleId, item })),
    );
    const moduleIds = [...new Set(items.map(({ moduleId }) => moduleId))];
    const enabled = context.container ? await this.enabledIn(context.container, moduleIds) : new Set(moduleIds.filter((id) => this.isEnabled(id)));
    const entries: MenuEntry[] = [];
    for (const { moduleId, item } of items) {
      if (!enabled.has(moduleId)) continue;
      if (item.permission && !(await can(item.permission))) continue;
      const href = typeof item.href === "function" ? (context.container ? item.href(context.container) : null) : item.href;
      if (href) entries.push({ moduleId, label: item.label, href, order: item.order ?? 100, icon: item.icon });
    }
    entries.sort((a, b) => a.order - b.order);
    return this.hooks.apply("menu.items", entries, context);
  }
}
