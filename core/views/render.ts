import type { Environment } from "nunjucks";
import type { Middleware } from "koa";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { SettingsStore } from "../settings.ts";
import type { AppContext, AppContextExtras, AppState, Flash } from "../http/context.ts";
import { adminMenu, coreMenu, userMenu } from "./menu.ts";
import { unreadCountFor } from "../notifications/unread.ts";

export interface RenderServices {
  templates: Environment;
  settings: SettingsStore;
  registry: ModuleRegistry;
  assetVersion: string;
  /** The content hash of an asset bundle (css/site.css, js/site.js), undefined for other files: a bundle's URL changes with its content. */
  bundleVersion: (file: string) => string | undefined;
}

/** Queues a message shown on the next page the user sees. */
export function flash(ctx: AppContext, kind: Flash["kind"], message: string, params?: Flash["params"]) {
  if (!ctx.session) return;
  ctx.session.flash = [...(ctx.session.flash ?? []), { kind, message, params }];
}

/** Adds ctx.render: the one place that fills the page context every template gets (the theme globals). */
export function renderer(services: RenderServices): Middleware<AppState, AppContextExtras> {
  return async (ctx, next) => {
    ctx.render = async (template, locals = {}) => {
      const { user, t, lang, csrfToken } = ctx.state;
      const site = await services.settings.get();
      const flashes = ctx.session?.flash ?? [];
      if (ctx.session?.flash) ctx.session.flash = [];
      const mainMenu = user ? await coreMenu(ctx, services.registry) : [];
      const accountMenu = user ? await userMenu(ctx, services.registry) : [];
      const footerLinks = await services.registry.hooks.apply("layout.footer.links", [], { user });
      ctx.type = "html";
      const html = services.templates.render(template, {
        ...locals,
        t,
        lang,
        user,
        site,
        csrfToken,
        flashes,
        mainMenu,
        userMenu: accountMenu,
        adminMenu: await adminMenu(ctx, services.registry),
        footerLinks,
        unreadCount: user ? await unreadCountFor(ctx, user.id) : 0,
        currentPath: ctx.path,
        asset: (file: string) => `/assets/${file}?v=${services.bundleVersion(file) ?? services.assetVersion}`,
      });
      const { pageBytes } = ctx.state;
      ctx.state.pageBytes = undefined;
      ctx.body = pageBytes ? pageBytes.assemble(html) : html;
    };
    await next();
  };
}
