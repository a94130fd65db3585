import Router from "@koa/router";
import { z } from "zod";
import { type AppContext, type AppContextExtras, type AppState, type Host, requireAdmin, HttpError, validateForm, type FieldErrors, flash, audit, normalizeDnOrNull } from "../../../core/sdk/index.ts";
import { Group } from "../models/group.ts";
import { GroupDirectoryMapping, mappedRoles } from "../models/directory-mapping.ts";
import { slugPattern } from "../slugs.ts";
import { numberParam } from "./context.ts";

const mappingForm = z.object({
  groupDn: z.string().trim().min(1, "validation:required").max(1000, "validation:tooLong"),
  group: z.string().trim().min(1, "validation:required").max(64, "validation:tooLong"),
  role: z.enum(mappedRoles, "groups:ldapMapping.errors.role"),
});

/** How many mappings the page lists: an install maps tens of directory groups, not thousands. */
const listLimit = 500;

/** /admin/groups/directory: instance admins map directory (LDAP) groups to Agora groups and roles. */
export function directoryMappingRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/admin/groups/directory" });
  router.use(requireAdmin);

  async function renderPage(ctx: AppContext, values: Record<string, unknown>, errors: FieldErrors, status = 200) {
    const mappings = await GroupDirectoryMapping.findAll({ order: [["groupDn", "ASC"], ["id", "ASC"]], limit: listLimit });
    const groups = new Map(
      (mappings.length ? await Group.findAll({ where: { id: [...new Set(mappings.map((m) => m.groupId))] }, attributes: ["id", "name", "slug"] }) : []).map((g) => [g.id, g]),
    );
    ctx.status = status;
    await ctx.render("groups/directory-mappings.njk", {
      title: ctx.state.t("groups:ldapMapping.title"),
      mappings: mappings.map((mapping) => ({ mapping, group: groups.get(mapping.groupId) })),
      roles: mappedRoles,
      values,
      errors,
    });
    ctx.status = status;
  }

  router.get("/", async (ctx) => renderPage(ctx, { role: "member" }, {}));

  router.post("/", async (ctx) => {
    const { data, errors } = validateForm(mappingForm, ctx.state.body);
    if (!data) return renderPage(ctx, ctx.state.body, errors, 422);
    const groupDn = normalizeDnOrNull(data.groupDn);
    if (!groupDn) return renderPage(ctx, ctx.state.body, { groupDn: "groups:ldapMapping.errors.dn" }, 422);
    const slug = data.group.replace(/^\/?g\//, "").toLowerCase();
    const group = slugPattern.test(slug) ? await Group.findOne({ where: { slug } }) : null;
    if (!group) return renderPage(ctx, ctx.state.body, { group: "groups:ldapMapping.errors.group" }, 422);
    const duplicate = await GroupDirectoryMapping.findOne({ where: { groupDn, groupId: group.id } });
    if (duplicate) return renderPage(ctx, ctx.state.body, { groupDn: "groups:ldapMapping.errors.duplicate" }, 422);
    await host.sequelize.transaction(async (transaction) => {
      const mapping = await GroupDirectoryMapping.create({ groupDn, groupId: group.id, role: data.role }, { transaction });
      await audit(ctx.state.user, "groups.directory.mapped", { type: "group", id: group.id }, { mappingId: mapping.id, groupDn, role: data.role }, transaction);
    });
    flash(ctx, "success", "groups:ldapMapping.added");
    ctx.redirect("/admin/groups/directory");
  });

  // Members it granted keep their membership until their next login or sync, which removes it.
  router.post("/:id/delete", async (ctx) => {
    const mapping = await GroupDirectoryMapping.findByPk(numberParam(ctx.params.id));
    if (!mapping) throw new HttpError(404);
    await host.sequelize.transaction(async (transaction) => {
      await mapping.destroy({ transaction });
      await audit(ctx.state.user, "groups.directory.unmapped", { type: "group", id: mapping.groupId }, { groupDn: mapping.groupDn, role: mapping.role }, transaction);
    });
    flash(ctx, "success", "groups:ldapMapping.deleted");
    ctx.redirect("/admin/groups/directory");
  });

  return router;
}
