import type Router from "@koa/router";
import { z } from "zod";
import { audit, flash, idParam, notFound, renderInvalid, validateForm, type AppContext, type AppContextExtras, type AppState, type Host } from "../../core/sdk/index.ts";
import { shownBadge } from "./badges.ts";
import { applySoon, metricNames } from "./badge-rules.ts";
import { now } from "./clock.ts";
import { Badge, BadgeGrant, BadgeRule } from "./models.ts";

const ruleForm = z.object({
  badge: z.coerce.number().int().positive("recognition:errors.badge"),
  metric: z.enum(metricNames as [string, ...string[]], { message: "recognition:errors.metric" }),
  threshold: z.coerce.number().int("recognition:errors.threshold").min(1, "recognition:errors.threshold").max(100000, "recognition:errors.threshold"),
  revokes: z.literal("1").optional(),
});

async function rulesPage(ctx: AppContext) {
  const rules = await BadgeRule.findAll({ where: { isActive: true }, order: [["id", "ASC"]] });
  const badges = await Badge.findAll({ order: [["id", "ASC"]] });
  const names = new Map(badges.map((badge) => [badge.id, shownBadge(badge, ctx.state.lang).name]));
  const held = (await BadgeGrant.count({ where: { ruleId: rules.map((rule) => rule.id), revokedAt: null }, group: ["ruleId"] })) as unknown as { ruleId: number; count: number }[];
  const counts = new Map(held.map((row) => [Number(row.ruleId), Number(row.count)]));
  return {
    title: ctx.state.t("recognition:rules.title"),
    rules: rules.map((rule) => ({ id: rule.id, badge: names.get(rule.badgeId) ?? "", metric: rule.metric, threshold: rule.threshold, revokes: rule.revokes, holders: counts.get(rule.id) ?? 0 })),
    badges: badges.filter((badge) => badge.isActive).map((badge) => shownBadge(badge, ctx.state.lang)),
    metrics: metricNames,
  };
}

/** /admin/recognition/rules: automatic badges, as rules over what people did. */
export function rulesAdminRoutes(host: Host, admin: Router<AppState, AppContextExtras>) {
  admin.get("/rules", async (ctx) => ctx.render("recognition/rules.njk", { ...(await rulesPage(ctx)), values: { metric: "kudosReceived", threshold: "10" }, errors: {} }));

  admin.post("/rules", async (ctx) => {
    const form = validateForm(ruleForm, ctx.state.body);
    const badge = form.data ? await Badge.findByPk(form.data.badge) : null;
    if (form.errors || !badge || !badge.isActive) return renderInvalid(ctx, "recognition/rules.njk", form.errors ?? { badge: "recognition:errors.badge" }, await rulesPage(ctx));
    const data = form.data!;
    await host.sequelize.transaction(async (transaction) => {
      const rule = await BadgeRule.create({ badgeId: badge.id, metric: data.metric, threshold: data.threshold, revokes: data.revokes === "1", createdAt: now() }, { transaction });
      await applySoon(host, rule, transaction); // past activity counts: granted in the background right away
      await audit(ctx.state.user, "recognition.rule.created", { type: "recognition-rule", id: rule.id }, { metric: data.metric, threshold: data.threshold }, transaction);
    });
    flash(ctx, "success", "recognition:rules.created");
    ctx.redirect("/admin/recognition/rules");
  });

  // A removed rule grants nothing more; if it revokes, the badges it gave are taken back too.
  admin.post("/rules/:id/remove", async (ctx) => {
    const rule = await BadgeRule.findByPk(idParam(ctx.params.id));
    if (!rule || !rule.isActive) throw notFound();
    await host.sequelize.transaction(async (transaction) => {
      await rule.update({ isActive: false }, { transaction });
      await applySoon(host, rule, transaction);
      await audit(ctx.state.user, "recognition.rule.removed", { type: "recognition-rule", id: rule.id }, undefined, transaction);
    });
    flash(ctx, "success", "recognition:rules.removed");
    ctx.redirect("/admin/recognition/rules");
  });
}

/** The automatic badges a person holds now, for their profile. */
export async function earnedBadges(userId: number, lang: string) {
  const grants = await BadgeGrant.findAll({ where: { userId, revokedAt: null }, order: [["grantedAt", "ASC"]] });
  const badges = new Map((await Badge.findAll({ where: { id: [...new Set(grants.map((grant) => grant.badgeId))] } })).map((badge) => [badge.id, badge]));
  const seen = new Set<number>();
  return grants.filter((grant) => badges.has(grant.badgeId) && !seen.has(grant.badgeId) && seen.add(grant.badgeId)).map((grant) => ({ ...shownBadge(badges.get(grant.badgeId)!, lang), since: grant.grantedAt }));
}
