import Router from "@koa/router";
import { badRequest, notFound, queryValue, requireUser, type AppContext, type AppContextExtras, type AppState, type Host } from "../../core/sdk/index.ts";
import { shownBadge } from "./badges.ts";
import { now } from "./clock.ts";
import { csvLine } from "./csv.ts";
import { Badge } from "./models.ts";
import { rankAwardedContent, rankBadges, rankGroups, rankPeople, type Period } from "./rankings-query.ts";
import { siteSettings } from "./settings.ts";
import { groupsWithModuleOn } from "./wall-query.ts";

/** ?month=2026-04 or ?year=2026 (the current month by default), checked: anything else is a 400. */
export function periodOf(ctx: AppContext): Period & { kind: "month" | "year" } {
  const month = queryValue(ctx, "month");
  const year = queryValue(ctx, "year");
  if (month && year) throw badRequest("recognition:errors.period");
  if (year) {
    if (!/^\d{4}$/.test(year)) throw badRequest("recognition:errors.period");
    const start = Number(year);
    return { kind: "year", label: year, from: new Date(Date.UTC(start, 0, 1)), to: new Date(Date.UTC(start + 1, 0, 1)) };
  }
  const at = now();
  const [y, m] = month ? month.split("-").map(Number) : [at.getUTCFullYear(), at.getUTCMonth() + 1];
  if (month && (!/^\d{4}-\d{2}$/.test(month) || m < 1 || m > 12)) throw badRequest("recognition:errors.period");
  return { kind: "month", label: `${y}-${String(m).padStart(2, "0")}`, from: new Date(Date.UTC(y, m - 1, 1)), to: new Date(Date.UTC(y, m, 1)) };
}

/** Rankings exist only while the site's admins allow them: otherwise every page and export is "not found". */
async function requireRankings(host: Host) {
  if (!(await host.settings.read(siteSettings)).showRankings) throw notFound();
}

/** /recognition/rankings: people, groups and badges for a month or a year, from what the reader may read. */
export function rankingRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/recognition/rankings" });
  router.get("/", requireUser, async (ctx) => {
    await requireRankings(host);
    const period = periodOf(ctx);
    const policy = host.policyOf(ctx);
    const groupsOn = await groupsWithModuleOn(host);
    const badgeCounts = await rankBadges(host.sequelize, policy, period, 20, groupsOn);
    const badges = new Map((await Badge.findAll({ where: { id: badgeCounts.map((row) => row.id) } })).map((badge) => [badge.id, shownBadge(badge, ctx.state.lang)]));
    await ctx.render("recognition/rankings.njk", {
      title: ctx.state.t("recognition:rankings.title"),
      period,
      people: await rankPeople(host.sequelize, policy, period, 20, groupsOn),
      groups: await rankGroups(host.sequelize, policy, period, 20, groupsOn),
      badges: badgeCounts.map((row) => ({ ...badges.get(row.id)!, kudos: row.kudos })),
      awarded: await rankAwardedContent(host.sequelize, policy, period, 10),
    });
  });
  return router;
}

/** /admin/recognition/rankings.csv: the people ranking of a period over every kudos and award, without those who opted out. */
export function rankingExportRoute(host: Host, admin: Router<AppState, AppContextExtras>) {
  admin.get("/rankings.csv", async (ctx) => {
    await requireRankings(host);
    const period = periodOf(ctx);
    const people = await rankPeople(host.sequelize, null, period, 10000);
    ctx.set("Content-Disposition", `attachment; filename="rankings-${period.label}.csv"`);
    ctx.type = "text/csv; charset=utf-8";
    ctx.body = [csvLine(["rank", "username", "name", "kudos", "points"]), ...people.map((person, index) => csvLine([index + 1, person.username, person.name, person.kudos, person.points]))].join("");
  });
}
