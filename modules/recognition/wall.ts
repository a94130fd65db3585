import Router from "@koa/router";
import { QueryTypes } from "sequelize";
import { z } from "zod";
import { Content, User, badRequest, requireUser, validateForm, type AppContext, type AppContextExtras, type AppState, type Host } from "../../core/sdk/index.ts";
import { companyValues, shownBadge } from "./badges.ts";
import { Badge, YearVote } from "./models.ts";
import { isKnownJuror } from "./jury.ts";
import { siteSettings } from "./settings.ts";
import { groupsWithModuleOn, wallPage, type WallFilters } from "./wall-query.ts";

const pageSize = 20;
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "recognition:errors.date");
const wallQuery = z.object({
  group: z.coerce.number().int().positive().optional(),
  badge: z.coerce.number().int().positive().optional(),
  value: z.string().trim().max(60).optional(),
  person: z.string().trim().max(100).optional(),
  from: day.optional(),
  to: day.optional(),
  before: z.coerce.number().int().positive().optional(),
});

const asDate = (value: string) => {
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) throw badRequest("recognition:errors.date");
  return date;
};

/** The query string, checked: a malformed filter is a 400 with a clear message, not a guess. */
export async function wallFilters(ctx: AppContext): Promise<{ filters: WallFilters; query: Record<string, string> }> {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(ctx.query)) {
    if (Array.isArray(value)) throw badRequest("errors:query.invalid");
    if (value) raw[key] = value;
  }
  const form = validateForm(wallQuery, raw);
  if (form.errors) throw badRequest("recognition:errors.filters");
  const data = form.data;
  const filters: WallFilters = { groupId: data.group, badgeId: data.badge, value: data.value || undefined, before: data.before };
  if (data.person) {
    const person = await User.findOne({ where: { username: data.person.replace(/^@/, "").toLowerCase() }, attributes: ["id"] });
    filters.personId = person?.id ?? -1;
  }
  if (data.from) filters.from = asDate(data.from);
  // "to" is a whole day: kudos before the next midnight.
  if (data.to) filters.to = new Date(asDate(data.to).getTime() + 24 * 3600_000);
  const { before: _before, partial: _partial, ...query } = raw;
  return { filters, query };
}

/**
 * The groups with kudos the reader may read, for the filter. The SDK has no way to name containers by id,
 * so their names come from the groups module's table (read only, and only when it exists).
 */
async function groupsWithKudos(host: Host, readable: Set<number> | "all"): Promise<{ id: number; name: string }[]> {
  const ids = (await host.sequelize.query<{ id: number | string }>("SELECT DISTINCT container_id AS id FROM recognition_kudos WHERE container_type = 'group'", { type: QueryTypes.SELECT }))
    .map((row) => Number(row.id))
    .filter((id) => readable === "all" || readable.has(id));
  if (ids.length === 0) return [];
  try {
    return await host.sequelize.query<{ id: number; name: string }>("SELECT id, name FROM groups WHERE id IN (:ids) ORDER BY name", { replacements: { ids }, type: QueryTypes.SELECT });
  } catch {
    return [];
  }
}

/** /recognition: the appreciation wall, every kudos the reader may read, filtered, 20 at a time (keyset on the kudos id). */
export function wallRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/recognition" });
  router.get("/", requireUser, async (ctx) => {
    const policy = host.policyOf(ctx);
    const { filters, query } = await wallFilters(ctx);
    const groupsOn = await groupsWithModuleOn(host);
    const rows = await wallPage(host.sequelize, policy, filters, pageSize + 1, groupsOn);
    const shown = rows.slice(0, pageSize);
    const contents = new Map((await Content.findAll({ where: { id: shown.map((row) => row.contentId) } })).map((content) => [content.id, content]));
    const entries = await host.entries(policy, shown.map((row) => contents.get(row.contentId)).filter((content): content is Content => Boolean(content)));
    const nextUrl = rows.length > pageSize ? `/recognition?${new URLSearchParams({ ...query, before: String(shown[shown.length - 1].kudosId) })}` : null;
    if (ctx.query.partial === "1") return ctx.render("stream/page.njk", { entries, nextUrl });
    const readableGroups = await policy.readableIds("group");
    const groups = (await groupsWithKudos(host, readableGroups)).filter((group) => groupsOn.has(Number(group.id)));
    await ctx.render("recognition/wall.njk", {
      title: ctx.state.t("recognition:wall.title"),
      entries,
      nextUrl,
      query,
      badges: (await Badge.findAll({ order: [["id", "ASC"]] })).map((badge) => shownBadge(badge, ctx.state.lang)),
      values: await companyValues(),
      groups,
      openVotes: isKnownJuror(ctx.state.user!.id) ? await YearVote.findAll({ where: { status: "voting" }, attributes: ["year"] }) : [],
      showRankings: (await host.settings.read(siteSettings)).showRankings,
      watch: ["company:0", ...(filters.groupId && readableGroups !== "all" && readableGroups.has(filters.groupId) ? [`group:${filters.groupId}`] : [])].join(" "),
      emptyMessage: ctx.state.t("recognition:wall.empty"),
    });
  });
  return router;
}
