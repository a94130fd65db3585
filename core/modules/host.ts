import type Router from "@koa/router";
import type { Logger } from "pino";
import type { Sequelize } from "sequelize";
import type {
  ActionHandler,
  ActionHooks,
  ContainerApi,
  ContainerTypeDefinition,
  ContentApi,
  ModuleFiles,
  ContentTypeDefinition,
  EntryActions,
  EntryDecorator,
  FilterHandler,
  FilterHooks,
  Host,
  MenuItemDefinition,
  MenuLocation,
  PermissionDefinition,
} from "./types.ts";
import type { User } from "../models/user.ts";
import type { ModuleRegistry } from "./registry.ts";
import type { AnyAction, AnyFilter } from "./hooks.ts";
import type { Container } from "./types.ts";
import { NotificationTypes, type NotificationTypeDefinition } from "../notifications/types.ts";
import { requestNotifications } from "../notifications/requests.ts";
import { enqueueMail } from "../mail/jobs.ts";
import { bindStreamRegistry } from "../content/stream.ts";
import { scheduledWork } from "./scheduled-work.ts";
import type { Registrations } from "./registrations.ts";
export { emptyRegistrations, type Registrations } from "./registrations.ts";
import { settingsReader } from "./settings.ts";
import { moduleLive } from "../live/module-channel.ts";
import { policyOf } from "../content/request.ts";
import { ContentPolicy } from "../policies/content.ts";
import { permittedIds } from "../policies/index.ts";
import { loadEntries } from "../content/entries.ts";
import { containerStreamPage } from "../content/container-stream.ts";
import { containerModules } from "./container-modules.ts";
import { composerFor } from "../content/composer.ts";
import { moduleLoginLimiter } from "../auth/login-limiter.ts";
import { moduleReadReceipts } from "../content/receipts.ts";
import { containerMembers } from "../people/container-members.ts";
import { timeZoneOf } from "../people/time-zone.ts";

export interface HostServices {
  logger: Logger;
  sequelize: Sequelize;
  registry: ModuleRegistry;
  emit<K extends keyof ActionHooks>(name: K, payload: ActionHooks[K]): Promise<void>;
  can(user: User | null, permissionId: string, container?: Container | null): Promise<boolean>;
  /** The content API for one module (made in app.ts: the writer sits above the registry). */
  contentFor(moduleId: string): ContentApi;
  /** The container lifecycle for one module (made in app.ts, like the content API). */
  containersFor(moduleId: string): ContainerApi;
  /** The file storage for one module (made in app.ts, which has the uploads settings). */
  filesFor(moduleId: string): ModuleFiles;
}

export function createHost(moduleId: string, services: HostServices, registrations: Registrations): Host {
  bindStreamRegistry(services.sequelize, services.registry);
  return {
    moduleId,
    readReceipts: moduleReadReceipts(services.sequelize, moduleId),
    logger: services.logger.child({ module: moduleId }),
    sequelize: services.sequelize,
    policyOf: (ctx) => policyOf(ctx, services.registry),
    policyFor: (user) => new ContentPolicy(services.registry, user),
    entries: (policy, contents, options) => loadEntries(services.registry, policy, contents, options),
    containerStream: (ctx, container, options) => containerStreamPage(ctx, services.registry, container, { url: options.url, pageSize: options.pageSize ?? 20 }),
    containerModules: containerModules(services.registry, moduleId),
    isOnIn: (container) => services.registry.isEnabledIn(moduleId, container),
    isReadOnly: async (container) => Boolean(await services.registry.containerType(container.type)?.isReadOnly?.(container)),
    onInMany: (containerType, ids) => services.registry.containersWithModule(moduleId, containerType, ids),
    composerFor: (ctx, container, options) => composerFor(ctx, services.registry, container, options),
    // Routers are stored untyped: each one only ever sees the request state core fills in.
    routes: (router) => void registrations.routers.push(router as unknown as Router),
    groupRoutes: (router) => void registrations.containerRouters.push({ containerType: "group", router: router as unknown as Router }),
    containerRoutes: (containerType, router) => void registrations.containerRouters.push({ containerType, router: router as unknown as Router }),
    menu: (location, item) => void registrations.menus.push({ location, item }),
    menuEntries: (location, context) => services.registry.menu(location, context, (permissionId) => services.can(context.user, permissionId, context.container)),
    on: (name, handler) => void registrations.actions.push({ name, handler: handler as unknown as AnyAction }),
    filter: (name, handler) => void registrations.filters.push({ name, handler: handler as unknown as AnyFilter }),
    emit: (name, payload) => services.emit(name, payload),
    permission: (definition) => void registrations.permissions.push(definition),
    contentType: (definition) => void registrations.contentTypes.push(definition),
    containerType: (definition) => void registrations.containerTypes.push(definition),
    can: (user, permissionId, container) => services.can(user, permissionId, container),
    canIn: (user, permissionIds, containerType, ids) => permittedIds(services.registry, user, permissionIds, containerType, ids),
    notificationType: (definition) => {
      NotificationTypes.check(moduleId, definition);
      if (services.registry.notificationTypes.get(definition.id)) throw new Error(`notification type "${definition.id}" is already registered`);
      registrations.notificationTypes.push(definition);
    },
    notify: (request) => requestNotifications(services.registry, moduleId, [request]),
    // A module writes its mails from its own catalogue only.
    mail: (mail, options) => enqueueMail({ ...mail, keys: `${moduleId}:${mail.keys}` }, options),
    jobs: scheduledWork(moduleId, registrations.jobs),
    settings: settingsReader(moduleId, () => services.registry.definition(moduleId)),
    live: moduleLive(moduleId),
    content: services.contentFor(moduleId),
    containers: services.containersFor(moduleId),
    files: services.filesFor(moduleId),
    entryActions: (actions) => void registrations.entryActions.push(actions),
    entryDecorators: (decorator) => void registrations.entryDecorators.push(decorator),
    adminRoutes: (router) => void registrations.adminRouters.push(router as unknown as Router),
    rawRoutes: (router) => void registrations.rawRouters.push(router as unknown as Router),
    loginLimiter: moduleLoginLimiter(moduleId),
    timeZoneOf: (user) => timeZoneOf(user),
    members: (container, options) => containerMembers(services.sequelize, services.registry.containerType(container.type), container, options),
    containerNamed: async (type, slug, user) => {
      const definition = services.registry.containerType(type);
      const container = definition ? await definition.resolve(slug) : null;
      return container && (await definition!.canRead(user, container)) ? container : null;
    },
  };
}
