import Router from "@koa/router";
import type { AppContext, AppContextExtras, AppState } from "../../http/context.ts";
import type { AppServices } from "../../services.ts";
import { audit } from "../../commands/audit.ts";
import { notFound } from "../../http/errors.ts";
import { flash } from "../../views/render.ts";
import { declaredSettings, formValues, parseSettingsForm, readSettings, writeSettings } from "../../modules/settings.ts";
import type { SettingFields } from "../../modules/types.ts";

/** The settings page of a module for the whole site (instance admins only: adminRoutes checks). */
export function moduleSettingsRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/admin/modules/:id/settings" });
  const fieldsOf = (id: string) => {
    const fields = declaredSettings(services.registry.definition(id));
    if (!fields) throw notFound();
    return fields;
  };
  const render = async (ctx: AppContext, id: string, fields: SettingFields, values: Record<string, unknown>, errors: Record<string, string> = {}) => {
    const t = ctx.state.t;
    await ctx.render("modules/settings.njk", {
      title: t("modules:settings.title", { name: t(`${id}:module.name`, { defaultValue: id }) }),
      layout: "admin/layout.njk",
      action: `/admin/modules/${id}/settings`,
      back: { href: "/admin/modules", label: "modules:title" },
      fields: Object.entries(fields).map(([name, field]) => ({ name, ...field })),
      values,
      errors,
    });
  };

  router.get("/", async (ctx) => {
    const id = ctx.params.id;
    const fields = fieldsOf(id);
    await render(ctx, id, fields, formValues(fields, await readSettings(id, fields)));
  });

  router.post("/", async (ctx) => {
    const id = ctx.params.id;
    const fields = fieldsOf(id);
    const form = parseSettingsForm(fields, ctx.state.body);
    if (!form.values) {
      ctx.status = 422;
      await render(ctx, id, fields, { ...ctx.state.body, _csrf: undefined }, form.errors);
      ctx.status = 422;
      return;
    }
    const values = form.values;
    await services.sequelize.transaction(async (transaction) => {
      await writeSettings(id, null, values, transaction);
      await audit(ctx.state.user, "module.settings", { type: "module", id }, values, transaction);
    });
    flash(ctx, "success", "modules:settings.saved");
    ctx.redirect(`/admin/modules/${id}/settings`);
  });

  return router;
}
