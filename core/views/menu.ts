import type { AppContext } from "../http/context.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { MenuEntry, MenuLocation } from "../modules/types.ts";
import { can } from "../policies/index.ts";
import { moderatesSomething } from "../content/moderation/moderator-of.ts";

const coreEntries: MenuEntry[] = [
  { moduleId: "core", label: "common:nav.home", href: "/", order: 0, icon: "home" },
  { moduleId: "core", label: "common:nav.people", href: "/people", order: 50, icon: "people" },
  { moduleId: "core", label: "common:nav.topics", href: "/topics", order: 80, icon: "hash" },
];
/** Only for people who moderate something: the instance's admins and containers' moderators. */
const moderationEntry: MenuEntry = { moduleId: "core", label: "moderation:nav.title", href: "/moderation", order: 900, icon: "shield" };

/** The admin console's sections (admin/layout.njk); modules' "admin" entries are ordered among them. */
const adminSections: MenuEntry[] = [
  { moduleId: "core", label: "admin:nav.overview", href: "/admin", order: 0 },
  { moduleId: "core", label: "admin:nav.users", href: "/admin/users", order: 10 },
  { moduleId: "core", label: "admin:nav.invitations", href: "/admin/invitations", order: 20 },
  { moduleId: "core", label: "admin:nav.modules", href: "/admin/modules", order: 30 },
  { moduleId: "core", label: "profile:fields.nav", href: "/admin/profile-fields", order: 40 },
  { moduleId: "core", label: "ldap:admin.nav", href: "/admin/ldap", order: 50 },
  { moduleId: "core", label: "admin:nav.settings", href: "/admin/settings", order: 60 },
];

/** The left navigation: core entries, then each enabled module's "main" entries in order. */
export async function coreMenu(ctx: AppContext, registry: ModuleRegistry): Promise<MenuEntry[]> {
  const user = ctx.state.user;
  // Guests (external partners) do not browse the staff directory.
  const ownEntries = user?.role === "guest" ? coreEntries.filter((entry) => entry.href !== "/people") : [...coreEntries];
  if (await moderatesSomething(registry, user)) ownEntries.push(moderationEntry);
  return withModuleEntries(ctx, registry, "main", ownEntries, ["/"]);
}

/** The account menu's module entries (its own links are in layout.njk), for a signed-in user. */
export async function userMenu(ctx: AppContext, registry: ModuleRegistry): Promise<MenuEntry[]> {
  return withModuleEntries(ctx, registry, "user", [], []);
}

/** The admin console's sections and modules' admin pages, for the site's admins only. */
export async function adminMenu(ctx: AppContext, registry: ModuleRegistry): Promise<MenuEntry[]> {
  return ctx.state.user?.isAdmin ? withModuleEntries(ctx, registry, "admin", adminSections, ["/admin"]) : [];
}

/**
 * Own entries and enabled modules' entries of a location, permission-checked, in order, the one for the
 * current page marked active (its href or a page under it; `exactOnly` hrefs only for themselves).
 */
async function withModuleEntries(ctx: AppContext, registry: ModuleRegistry, location: MenuLocation, own: MenuEntry[], exactOnly: string[]): Promise<MenuEntry[]> {
  const user = ctx.state.user;
  const moduleEntries = await registry.menu(location, { user }, (permissionId) => can(registry, user, permissionId));
  const entries = [...own, ...moduleEntries].sort((a, b) => a.order - b.order);
  return entries.map((entry) => ({
    ...entry,
    isActive: exactOnly.includes(entry.href) ? ctx.path === entry.href : ctx.path === entry.href || ctx.path.startsWith(`${entry.href}/`),
  }));
}
