import type { AppContext } from "../http/context.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { MenuEntry } from "../modules/types.ts";
import { can } from "../policies/index.ts";
import { moderatesSomething } from "../content/moderation/moderator-of.ts";

const coreEntries: MenuEntry[] = [
  { moduleId: "core", label: "common:nav.home", href: "/", order: 0, icon: "home" },
  { moduleId: "core", label: "common:nav.people", href: "/people", order: 50, icon: "people" },
  { moduleId: "core", label: "common:nav.topics", href: "/topics", order: 80, icon: "hash" },
];
/** Only for people who moderate something: the instance's admins and containers' moderators. */
const moderationEntry: MenuEntry = { moduleId: "core", label: "moderation:nav.title", href: "/moderation", order: 900, icon: "shield" };

/** The left navigation: core entries, then each enabled module's "main" entries in order. */
export async function coreMenu(ctx: AppContext, registry: ModuleRegistry): Promise<MenuEntry[]> {
  const user = ctx.state.user;
  // Guests (external partners) do not browse the staff directory.
  const ownEntries = user?.role === "guest" ? coreEntries.filter((entry) => entry.href !== "/people") : [...coreEntries];
  if (await moderatesSomething(registry, user)) ownEntries.push(moderationEntry);
  const moduleEntries = await registry.menu("main", { user }, (permissionId) => can(registry, user, permissionId));
  const entries = [...ownEntries, ...moduleEntries].sort((a, b) => a.order - b.order);
  return entries.map((entry) => ({
    ...entry,
    isActive: entry.href === "/" ? ctx.path === "/" : ctx.path === entry.href || ctx.path.startsWith(`${entry.href}/`),
  }));
}
