import type { Middleware } from "koa";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { audit } from "../commands/audit.ts";
import { forbidden, notFound } from "../http/errors.ts";
import { flash } from "../views/render.ts";
import { policyOf } from "../content/request.ts";
import { declaredSettings, formValues, parseSettingsForm, readSettings, writeSettings } from "../modules/settings.ts";
import type { Container, SettingFields } from "../modules/types.ts";

// <container prefix>/<slug>/<module id>/settings: core's page in every module's container space (a module does not route /settings itself).
const settingsPath = /^\/([^/]+)\/([a-z0-9-]+)\/settings\/?$/;

/**
 * A module's settings for one container (a group...), for the container's managers and the site's admins.
 * Whoever may not read the container, or where the module is off, gets 404; a reader who does not manage it, 403.
 */
export function containerModuleSettingsRoutes(services: AppServices): Middleware<AppState, AppContextExtras> {
  const { registry } = services;
  return async (ctx, next) => {
    if (ctx.method !== "GET" && ctx.method !== "POST") return next();
    // The company stream's prefix is empty: it is the site itself, whose settings are the admin's page.
    const prefixed = [...registry.containerTypes.values()].find((definition) => definition.routePrefix && ctx.path.startsWith(`${definition.routePrefix}/`));
    const match = prefixed ? settingsPath.exec(ctx.path.slice(prefixed.routePrefix.length)) : null;
    if (!prefixed || !match || !registry.containerType(prefixed.type)) return next();
    const [, slug, moduleId] = match;
    const fields = declaredSettings(registry.definition(moduleId), prefixed.type);
    if (!fields) return next();
    const user = ctx.state.user;
    if (!user) return ctx.redirect(`/login?next=${encodeURIComponent(ctx.originalUrl)}`);
    const container = await prefixed.resolve(decodeURIComponent(slug));
    if (!container || !(await prefixed.canRead(user, container)) || !(await registry.isEnabledIn(moduleId, container))) throw notFound();
    if (!(await policyOf(ctx, registry).canManage({ containerType: container.type, containerId: container.id }))) throw forbidden();
    const url = `${prefixed.routePrefix}/${container.slug}`;
    if (ctx.method === "GET") return render(ctx, moduleId, container, url, fields, formValues(fields, await readSettings(moduleId, fields, container)));
    const form = parseSettingsForm(fields, ctx.state.body);
    if (!form.values) {
      ctx.status = 422;
      await render(ctx, moduleId, container, url, fields, { ...ctx.state.body, _csrf: undefined }, form.errors);
      ctx.status = 422;
      return;
    }
    const values = form.values;
    await services.sequelize.transaction(async (transaction) => {
      await writeSettings(moduleId, container, values, transaction);
      await audit(user, "module.settings", { type: container.type, id: container.id }, { moduleId, ...values }, transaction);
    });
    flash(ctx, "success", "modules:settings.saved");
    ctx.redirect(`${url}/${moduleId}/settings`);
  };
}

async function render(ctx: AppContext, moduleId: string, container: Container, url: string, fields: SettingFields, values: Record<string, unknown>, errors: Record<string, string> = {}) {
  const t = ctx.state.t;
  await ctx.render("modules/settings.njk", {
    title: t("modules:settings.title", { name: `${t(`${moduleId}:module.name`, { defaultValue: moduleId })} — ${container.name}` }),
    layout: "layout.njk",
    action: `${url}/${moduleId}/settings`,
    back: { href: url, label: "modules:settings.back", params: { name: container.name } },
    fields: Object.entries(fields).map(([name, field]) => ({ name, ...field })),
    values,
    errors,
  });
}
