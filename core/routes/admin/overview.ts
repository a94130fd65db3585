import Router from "@koa/router";
import { fn, col } from "sequelize";
import type { AppContextExtras, AppState } from "../../http/context.ts";
import type { AppServices } from "../../services.ts";
import { User, instanceRoles, userStatuses } from "../../models/user.ts";

/** How many accounts there are per status and per role, in one grouped query. */
async function userCounts() {
  const rows = (await User.findAll({
    attributes: ["status", "role", [fn("COUNT", col("id")), "count"]],
    group: ["status", "role"],
    raw: true,
  })) as unknown as { status: string; role: string; count: number | string }[];
  const byStatus = Object.fromEntries(userStatuses.map((status) => [status, 0])) as Record<string, number>;
  const byRole = Object.fromEntries(instanceRoles.map((role) => [role, 0])) as Record<string, number>;
  let total = 0;
  for (const row of rows) {
    const count = Number(row.count);
    byStatus[row.status] = (byStatus[row.status] ?? 0) + count;
    byRole[row.role] = (byRole[row.role] ?? 0) + count;
    total += count;
  }
  return { byStatus, byRole, total };
}

/** /admin: the console's front page, with the numbers that call for attention. */
export function overviewRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  router.get("/admin", async (ctx) => {
    const counts = await userCounts();
    const { registrationMode } = await services.settings.get();
    await ctx.render("admin/overview.njk", { title: ctx.state.t("admin:overview.title"), counts, statuses: userStatuses, roles: instanceRoles, registrationMode });
  });
  return router;
}
