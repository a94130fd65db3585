import type { Middleware } from "koa";
import compose from "koa-compose";
import type { AppContextExtras, AppState } from "../../http/context.ts";
import type { AppServices } from "../../services.ts";
import { requireAdmin } from "../../auth/current-user.ts";
import { overviewRoutes } from "./overview.ts";
import { userRoutes } from "./users.ts";
import { settingsRoutes } from "./settings.ts";
import { moduleRoutes } from "./modules.ts";
import { invitationRoutes } from "./invitations.ts";
import { auditRoutes } from "./audit.ts";
import { profileFieldRoutes } from "./profile-fields.ts";
import { ldapRoutes } from "./ldap.ts";
import { moduleSettingsRoutes } from "./module-settings.ts";

/** The admin console: every page under /admin is for instance admins only (checked here, once), modules' admin pages (/admin/<module id>) too. */
export function adminRoutes(services: AppServices): Middleware<AppState, AppContextExtras> {
  const routers = [overviewRoutes(services), userRoutes(services), invitationRoutes(services), moduleRoutes(services), moduleSettingsRoutes(services), settingsRoutes(services), profileFieldRoutes(services), auditRoutes(services), ldapRoutes(services)];
  const inner = compose([...routers.flatMap((router) => [router.routes(), router.allowedMethods({ throw: true })]), services.registry.adminRoutes()] as Middleware<AppState, AppContextExtras>[]);
  return async (ctx, next) => {
    if (ctx.path !== "/admin" && !ctx.path.startsWith("/admin/")) return next();
    await requireAdmin(ctx as never, () => inner(ctx, next));
  };
}
