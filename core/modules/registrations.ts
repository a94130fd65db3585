import type Router from "@koa/router";
import type { AnyAction, AnyFilter } from "./hooks.ts";
import type { ModuleJobs } from "./scheduled-work.ts";
import type { NotificationTypeDefinition } from "../notifications/types.ts";
import type {
  ActionHooks,
  ContainerTypeDefinition,
  ContentTypeDefinition,
  EntryActions,
  EntryDecorator,
  FilterHooks,
  MenuItemDefinition,
  MenuLocation,
  PermissionDefinition,
} from "./types.ts";

/** Everything one module registered; the registry adopts it only if register() finished without throwing. */
export interface Registrations {
  routers: Router[];
  containerRouters: { containerType: string; router: Router }[];
  menus: { location: MenuLocation; item: MenuItemDefinition }[];
  actions: { name: keyof ActionHooks; handler: AnyAction }[];
  filters: { name: keyof FilterHooks; handler: AnyFilter }[];
  permissions: PermissionDefinition[];
  contentTypes: ContentTypeDefinition[];
  containerTypes: ContainerTypeDefinition[];
  notificationTypes: NotificationTypeDefinition[];
  jobs: ModuleJobs;
  entryActions: EntryActions[];
  entryDecorators: EntryDecorator[];
  adminRouters: Router[];
  rawRouters: Router[];
}

export function emptyRegistrations(): Registrations {
  return { routers: [], containerRouters: [], menus: [], actions: [], filters: [], permissions: [], contentTypes: [], containerTypes: [], notificationTypes: [], jobs: { handlers: [], periodic: [] }, entryActions: [], entryDecorators: [], adminRouters: [], rawRouters: [] };
}
