import Router from "@koa/router";
import { z } from "zod";
import { type AppContextExtras, type AppState, type Host, ModuleError, requireUser, HttpError, validateForm, flash } from "../../../core/sdk/index.ts";
import { groupRoles } from "../models/membership.ts";
import { containerOf } from "../models/group.ts";
import { GroupPermission } from "../models/settings.ts";
import { grantedRoles } from "../access.ts";
import { groupLocals, managedGroupOf } from "./context.ts";

const moduleForm = z.object({ state: z.enum(["enabled", "disabled"], "validation:invalid") });

/** /g/:slug/modules (switch modules on for this group) and /g/:slug/permissions (role × permission matrix). */
export function groupAdminRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/g/:slug" });
  const modules = host.containerModules;

  router.get("/modules", requireUser, async (ctx) => {
    const access = await managedGroupOf(ctx);
    await ctx.render("groups/modules.njk", { ...(await groupLocals(ctx, host, access, "modules")), modules: await modules.statesIn(containerOf(access.group)) });
  });

  router.post("/modules/:moduleId", requireUser, async (ctx) => {
    const access = await managedGroupOf(ctx);
    const container = containerOf(access.group);
    const { data } = validateForm(moduleForm, ctx.state.body);
    if (!data) throw new HttpError(422, "validation:invalid");
    const module = (await modules.statesIn(container)).find((candidate) => candidate.id === ctx.params.moduleId);
    if (!module) throw new HttpError(404);
    if (module.state === "unavailable" || module.state === "forced") throw new HttpError(409, `groups:modules.errors.${module.state}`);
    try {
      await modules.set(module.id, container, data.state);
    } catch (error) {
      if (error instanceof ModuleError) throw new HttpError(409, "groups:modules.errors.unavailable");
      throw error;
    }
    flash(ctx, "success", data.state === "enabled" ? "groups:modules.enabled" : "groups:modules.disabled", { name: ctx.state.t(`${module.id}:module.name`, { defaultValue: module.id }) });
    ctx.redirect(`${access.group.url}/modules`);
  });

  router.get("/permissions", requireUser, async (ctx) => {
    const access = await managedGroupOf(ctx);
    const permissions = await modules.permissionsIn(containerOf(access.group));
    const rows = [];
    for (const permission of permissions) {
      rows.push({ permission, roles: (await grantedRoles(access.group.id, permission.id)) ?? permission.defaults });
    }
    await ctx.render("groups/permissions.njk", { ...(await groupLocals(ctx, host, access, "permissions")), rows, roles: groupRoles });
  });

  // Owners always hold every permission, so a group can never lock its owners out.
  router.post("/permissions", requireUser, async (ctx) => {
    const access = await managedGroupOf(ctx);
    const permissions = await modules.permissionsIn(containerOf(access.group));
    await host.sequelize.transaction(async (transaction) => {
      for (const permission of permissions) {
        const sent = [ctx.state.body[`p.${permission.id}`] ?? []].flat();
        const roles = groupRoles.filter((role) => role === "owner" || sent.includes(role));
        const defaults = groupRoles.filter((role) => permission.defaults.includes(role));
        const where = { groupId: access.group.id, permissionId: permission.id };
        if (roles.join() === defaults.join()) await GroupPermission.destroy({ where, transaction });
        else await GroupPermission.upsert({ ...where, roles: JSON.stringify(roles) }, { transaction });
      }
    });
    flash(ctx, "success", "groups:permissions.saved");
    ctx.redirect(`${access.group.url}/permissions`);
  });

  return router;
}
