import Router from "@koa/router";
import { z } from "zod";
import type { AppContext, AppContextExtras, AppState } from "../../http/context.ts";
import type { AppServices } from "../../services.ts";
import type { ModuleInfo } from "../../modules/registry.ts";
import { ModuleError } from "../../modules/registry.ts";
import { audit } from "../../commands/audit.ts";
import { notFound } from "../../http/errors.ts";
import { flash } from "../../views/render.ts";
import { declaredSettings } from "../../modules/settings.ts";

const enableForm = z.object({ state: z.enum(["enabled", "forced"]).default("enabled") });

export interface ModuleRow extends ModuleInfo {
  name: string;
  description: string;
  /** Enabled modules that require this one: it cannot be switched off while they are on. */
  requiredBy: string[];
  /** It has a container scope (group...), so it can be forced on in every container. */
  isForceable: boolean;
  /** It declared settings for the site: the row links to its settings page. */
  hasSettings: boolean;
}

/** What the page shows for each discovered module, with name and description from the module's own catalogue. */
function moduleRows(ctx: AppContext, services: AppServices): ModuleRow[] {
  const modules = services.registry.list();
  const t = ctx.state.t;
  return modules.map((module) => ({
    ...module,
    name: t(`${module.id}:module.name`, { defaultValue: module.id }),
    description: t(`${module.id}:module.description`, { defaultValue: "" }),
    requiredBy: modules.filter((other) => other.isEnabled && other.requires.includes(module.id)).map((other) => other.id),
    isForceable: module.scopes.some((scope) => scope !== "instance"),
    hasSettings: declaredSettings(services.registry.definition(module.id)) !== null,
  }));
}

async function renderPage(ctx: AppContext, services: AppServices, locals: { error?: string; status?: number } = {}) {
  const modules = moduleRows(ctx, services);
  if (locals.status) ctx.status = locals.status;
  await ctx.render("admin/modules.njk", {
    title: ctx.state.t("modules:title"),
    modules: modules.filter((module) => !module.error),
    failed: modules.filter((module) => module.error),
    error: locals.error,
  });
  if (locals.status) ctx.status = locals.status;
}

/** A switch the registry refused (a requirement is off, a dependent is on...) is a conflict: 409, page shown again with why. */
async function switchModule(ctx: AppContext, services: AppServices, id: string, change: () => Promise<void>, successKey: string) {
  try {
    await change();
  } catch (error) {
    if (error instanceof ModuleError) return renderPage(ctx, services, { error: error.message, status: 409 });
    throw error;
  }
  flash(ctx, "success", successKey, { name: ctx.state.t(`${id}:module.name`, { defaultValue: id }) });
  ctx.redirect("/admin/modules");
}

/** /admin/modules: every discovered module, its state, and the forms that switch it on or off for the instance. */
export function moduleRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/admin/modules" });
  const { registry } = services;
  const known = (id: string) => registry.list().some((module) => module.id === id);

  router.get("/", async (ctx) => {
    await renderPage(ctx, services);
  });

  router.post("/:id/enable", async (ctx) => {
    const id = ctx.params.id;
    if (!known(id)) throw notFound();
    const form = enableForm.safeParse(ctx.state.body);
    if (!form.success) return renderPage(ctx, services, { error: "modules:errors.invalidState", status: 422 });
    const { state } = form.data;
    await switchModule(
      ctx,
      services,
      id,
      () => registry.enable(id, state, (transaction) => audit(ctx.state.user, "module.enable", { type: "module", id }, { state }, transaction)),
      state === "forced" ? "modules:flash.forced" : "modules:flash.enabled",
    );
  });

  router.post("/:id/disable", async (ctx) => {
    const id = ctx.params.id;
    if (!known(id)) throw notFound();
    await switchModule(
      ctx,
      services,
      id,
      () => registry.disable(id, (transaction) => audit(ctx.state.user, "module.disable", { type: "module", id }, undefined, transaction)),
      "modules:flash.disabled",
    );
  });

  return router;
}
