import Router from "@koa/router";
import type { Middleware } from "koa";
import compose from "koa-compose";
import { z } from "zod";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { requireUser } from "../auth/current-user.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { flash } from "../views/render.ts";
import { renderInvalid, validateForm } from "./form.ts";
import { decodeCursor, encodeCursor } from "../content/stream.ts";
import { idParam, policyOf } from "../content/request.ts";
import { readableContent } from "../commands/post-writer.ts";
import { emailFrequencies } from "../models/notification-settings.ts";
import { User } from "../models/user.ts";
import { markAllRead, markRead, notificationPage } from "../notifications/list.ts";
import { presentNotifications } from "../notifications/presenter.ts";
import { unreadCount } from "../notifications/unread.ts";
import { activeType } from "../notifications/requests.ts";
import { setFollowing } from "../notifications/followers.ts";
import { mailSettingsOfUser, preferencesOf, saveSettings, unsubscribe } from "../notifications/settings.ts";
import { readUnsubscribeToken } from "../notifications/unsubscribe.ts";
import { isTimeZone } from "../notifications/clock.ts";

const hour = z
  .union([z.literal(""), z.string().regex(/^\d{1,2}$/, "validation:invalid")])
  .transform((value) => (value === "" ? null : Number(value)))
  .refine((value) => value === null || value <= 23, "validation:invalid");
// The summary hour: a whole hour 0-23; left out by an older form, it keeps the default (8:00).
const summaryHour = z
  .string()
  .regex(/^\d{1,2}$/, "validation:invalid")
  .transform(Number)
  .refine((value) => value <= 23, "validation:invalid")
  .optional()
  .transform((value) => value ?? null);
const typeList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => new Set([value ?? []].flat()));

const settingsForm = z
  .object({
    web: typeList,
    email: typeList,
    emailFrequency: z.enum(emailFrequencies, "validation:invalid"),
    quietStart: hour,
    quietEnd: hour,
    digestHour: summaryHour,
    timeZone: z.string().refine(isTimeZone, "notifications:settings.errors.timeZone"),
  })
  .refine((form) => (form.quietStart === null) === (form.quietEnd === null), { message: "notifications:settings.errors.quietHours", path: ["quietEnd"] });

const timeZones = Intl.supportedValuesOf("timeZone");

/** The notification list, reading them, the settings page, and following an item. */
export function notificationRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  const { registry } = services;
  const listedTypes = () => registry.notificationTypes.all().filter((type) => activeType(registry, type.id));
  const pushCount = (userId: number) => void services.live.publish({ kind: "notifications", userIds: [userId] });

  router.get("/notifications", requireUser, async (ctx) => {
    const user = ctx.state.user!;
    const page = await notificationPage(user.id, decodeCursor(ctx.query.before));
    const lines = await presentNotifications(registry, user, page.rows, ctx.state.t, policyOf(ctx, registry));
    await ctx.render("notifications/list.njk", {
      title: ctx.state.t("notifications:title"),
      lines,
      unread: await unreadCount(user.id),
      shownAt: Date.now(),
      nextUrl: page.next ? `/notifications?before=${encodeCursor(page.next)}` : null,
    });
  });

  // Opening a notification reads it: a plain link works without JavaScript.
  router.get("/notifications/:id", requireUser, async (ctx) => {
    const user = ctx.state.user!;
    const notification = await markRead(user.id, idParam(ctx.params.id));
    if (!notification) throw notFound();
    pushCount(user.id);
    const [line] = await presentNotifications(registry, user, [notification], ctx.state.t, policyOf(ctx, registry));
    ctx.redirect(line.url ?? "/notifications");
  });

  router.post("/notifications/:id/read", requireUser, async (ctx) => {
    if (!(await markRead(ctx.state.user!.id, idParam(ctx.params.id)))) throw notFound();
    pushCount(ctx.state.user!.id);
    ctx.redirect("/notifications");
  });

  router.post("/notifications/read-all", requireUser, async (ctx) => {
    const shownAt = String(ctx.state.body.shownAt ?? "");
    if (!/^\d{1,15}$/.test(shownAt)) throw badRequest();
    await markAllRead(ctx.state.user!.id, new Date(Number(shownAt)));
    pushCount(ctx.state.user!.id);
    flash(ctx, "success", "notifications:allRead");
    ctx.redirect("/notifications");
  });

  // After a refused form, the boxes show what was submitted, not what is stored.
  const settingsView = async (ctx: AppContext, submitted?: { web: Set<string>; email: Set<string> }) => {
    const types = listedTypes();
    const preferences = submitted
      ? new Map(types.map((type) => [type.id, { web: submitted.web.has(type.id), email: submitted.email.has(type.id) }]))
      : await preferencesOf(ctx.state.user!.id, types);
    return { title: ctx.state.t("notifications:settings.title"), types: types.map((type) => ({ ...type, channels: preferences.get(type.id)! })), frequencies: emailFrequencies, timeZones, hours: [...Array(24).keys()] };
  };

  router.get("/account/notifications", requireUser, async (ctx) => {
    const mail = await mailSettingsOfUser(ctx.state.user!.id);
    const values = { emailFrequency: mail.emailFrequency, digestHour: mail.digestHour, quietStart: mail.quiet.start ?? "", quietEnd: mail.quiet.end ?? "", timeZone: mail.quiet.timeZone };
    await ctx.render("notifications/settings.njk", { ...(await settingsView(ctx)), values, errors: {} });
  });

  router.post("/account/notifications", requireUser, async (ctx) => {
    const { data, errors } = validateForm(settingsForm, ctx.state.body);
    if (!data) {
      const checked = (value: unknown) => typeList.safeParse(value).data ?? new Set<string>();
      const submitted = { web: checked(ctx.state.body.web), email: checked(ctx.state.body.email) };
      return renderInvalid(ctx, "notifications/settings.njk", errors, await settingsView(ctx, submitted));
    }
    await services.sequelize.transaction((transaction) => saveSettings(ctx.state.user!.id, listedTypes(), data, transaction));
    flash(ctx, "success", "notifications:settings.saved");
    ctx.redirect("/account/notifications");
  });

  for (const [action, isFollowing] of [["follow", true], ["unfollow", false]] as const) {
    router.post(`/c/:id/${action}`, requireUser, async (ctx) => {
      const content = await readableContent(policyOf(ctx, registry), idParam(ctx.params.id));
      await setFollowing(content.id, ctx.state.user!.id, isFollowing);
      flash(ctx, "success", isFollowing ? "notifications:follow.followed" : "notifications:follow.unfollowed");
      ctx.redirect(`/c/${content.id}`);
    });
  }
  return router;
}

/**
 * GET shows a confirmation page (link scanners must not unsubscribe anyone); POST, from that page or from
 * a mail client's one-click button (RFC 8058), turns off that type's e-mail for that person. No login.
 */
export function unsubscribeRoutes(services: AppServices): Middleware<AppState, AppContextExtras> {
  const router = new Router<AppState, AppContextExtras>();
  const targetOf = async (token: string | undefined) => {
    const target = readUnsubscribeToken(services.config.sessionSecret, token ?? "");
    const type = target && target.type !== "digest" ? services.registry.notificationTypes.get(target.type) : null;
    if (!target || (target.type !== "digest" && !type) || !(await User.findByPk(target.userId, { attributes: ["id"] }))) throw notFound("notifications:unsubscribe.invalid");
    return { userId: target.userId, type: type ?? ("digest" as const) };
  };
  const render = (ctx: AppContext, target: Awaited<ReturnType<typeof targetOf>>, isDone: boolean) =>
    ctx.render("notifications/unsubscribe.njk", {
      title: ctx.state.t("notifications:unsubscribe.title"),
      hideNavigation: true,
      what: target.type === "digest" ? ctx.state.t("notifications:unsubscribe.digest") : ctx.state.t(target.type.label),
      isDone,
      action: ctx.path,
    });

  router.get("/unsubscribe/:token", async (ctx) => render(ctx, await targetOf(ctx.params.token), false));
  router.post("/unsubscribe/:token", async (ctx) => {
    const target = await targetOf(ctx.params.token);
    await services.sequelize.transaction((transaction) => unsubscribe(target.userId, target.type, transaction));
    await render(ctx, target, true);
  });
  return compose([router.routes(), router.allowedMethods()]) as Middleware<AppState, AppContextExtras>;
}
