import Router from "@koa/router";
import { z } from "zod";
import type { AppContextExtras, AppState } from "../../http/context.ts";
import type { AppServices } from "../../services.ts";
import { badRequest } from "../../http/errors.ts";
import { User } from "../../models/user.ts";
import { auditPage, auditPrefixes } from "../../content/moderation/audit-log.ts";

const listQuery = z.object({
  action: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9._-]{0,64}$/)
    .default(""),
  actor: z
    .string()
    .trim()
    .toLowerCase()
    .max(65)
    .transform((value) => value.replace(/^@/, ""))
    .default(""),
  before: z.coerce.number().int().positive().max(2_147_483_647).optional(),
});

/** /admin/audit: who did what, newest first, filtered by action prefix and actor (the admin router lets admins only in). */
export function auditRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  router.get("/admin/audit", async (ctx) => {
    const parsed = listQuery.safeParse(ctx.query);
    if (!parsed.success) throw badRequest();
    const query = parsed.data;
    const actor = query.actor ? await User.findOne({ where: { username: query.actor }, attributes: ["id", "displayName", "username"] }) : null;
    const isUnknownActor = Boolean(query.actor && !actor);
    const page = isUnknownActor ? { entries: [], next: null } : await auditPage(services.sequelize, { action: query.action || null, actorId: actor?.id ?? null, before: query.before ?? null });
    const filters = new URLSearchParams(Object.entries({ action: query.action, actor: query.actor }).filter(([, value]) => value !== ""));
    const withBefore = (before: number) => `/admin/audit?${new URLSearchParams([...filters, ["before", String(before)]])}`;
    await ctx.render("admin/audit.njk", {
      title: ctx.state.t("moderation:audit.title"),
      ...page,
      query,
      actor,
      isUnknownActor,
      prefixes: auditPrefixes,
      nextUrl: page.next ? withBefore(page.next) : null,
      firstUrl: query.before ? `/admin/audit${filters.size ? `?${filters}` : ""}` : null,
    });
  });
  return router;
}
