import { type AppContext, forbidden, notFound, type Host, type MenuEntry, idParam } from "../../../core/sdk/index.ts";
import { Group, containerOf } from "../models/group.ts";
import type { GroupCategory } from "../models/category.ts";
import { allCategories } from "../categories.ts";
import { GroupRequest } from "../models/request.ts";
import { accessOf, type GroupAccess } from "../access.ts";
import { slugPattern } from "../slugs.ts";

/** A route handler's context: core's AppContext plus the router's path parameters. */
export type RouteContext = AppContext & { params: Record<string, string> };

/** The group a /g/:slug URL names, with the viewer's access; 404 when it does not exist for them (secret, or a guest's). */
export async function groupOf(ctx: RouteContext): Promise<GroupAccess> {
  const slug = String(ctx.params.slug ?? "");
  const group = slugPattern.test(slug) ? await Group.findOne({ where: { slug } }) : null;
  if (!group) throw notFound();
  const access = await accessOf(ctx.state.user, group);
  if (!access.canSee) throw notFound();
  return access;
}

/** Pages with the group's content or members: 403 for a private group's outsiders (its existence is public), 404 otherwise. */
export async function readableGroupOf(ctx: RouteContext): Promise<GroupAccess> {
  const access = await groupOf(ctx);
  if (!access.canRead) throw access.group.visibility === "private" ? forbidden("groups:errors.membersOnly") : notFound();
  return access;
}

export async function managedGroupOf(ctx: RouteContext): Promise<GroupAccess> {
  const access = await readableGroupOf(ctx);
  if (!access.isManager) throw forbidden("groups:errors.managersOnly");
  return access;
}

/** A numeric route parameter (user or request id), 404 when malformed. */
export function numberParam(value: string | undefined): number {
  const id = idParam(value);
  if (!id) throw notFound();
  return id;
}

export function categoryLabel(category: GroupCategory | null | undefined, t: AppContext["state"]["t"]): string {
  if (!category) return "";
  return category.name || t(`groups:categories.${category.slug}`, { defaultValue: category.slug ?? "" });
}

export async function categoryOptions(t: AppContext["state"]["t"]) {
  const categories = await allCategories();
  return categories.map((category) => ({ value: String(category.id), label: categoryLabel(category, t) }));
}

export type GroupTab = "stream" | "about" | "members" | "settings" | "modules" | "permissions";

/** What every group page renders around its own part: header, tabs with the modules on in this group, counts. */
export async function groupLocals(ctx: AppContext, host: Host, access: GroupAccess, tab: GroupTab | string) {
  const { group } = access;
  const user = ctx.state.user;
  const container = containerOf(group);
  const category = group.categoryId ? (await allCategories()).find((candidate) => candidate.id === group.categoryId) : null;
  const moduleMenu: MenuEntry[] = access.canRead
    ? await host.menuEntries("group", { user, container })
    : [];
  const pendingRequests = access.isManager ? await GroupRequest.count({ where: { groupId: group.id } }) : 0;
  return {
    title: group.name,
    group,
    access,
    tab,
    categoryName: categoryLabel(category, ctx.state.t),
    moduleMenu: moduleMenu.map((entry) => ({ ...entry, isActive: ctx.path === entry.href || ctx.path.startsWith(`${entry.href}/`) })),
    pendingRequests,
  };
}
