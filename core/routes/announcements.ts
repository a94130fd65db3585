import Router from "@koa/router";
import { z } from "zod";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { requireUser, safeNext } from "../auth/current-user.ts";
import { forbidden, notFound } from "../http/errors.ts";
import { flash } from "../views/render.ts";
import { Announcement } from "../models/announcement.ts";
import type { Content } from "../models/content.ts";
import { readableContent } from "../commands/post-writer.ts";
import { setPinned } from "../commands/announcement-pinner.ts";
import { endAnnouncement, publishAnnouncement } from "../commands/announcement-publisher.ts";
import { acknowledgeAnnouncement, dismissAnnouncement } from "../commands/announcement-receipt-writer.ts";
import { canSeeReaders, readableAnnouncement } from "../content/announcements/lookup.ts";
import { readerFilters, readersPage, type ReaderFilter } from "../content/announcements/readers.ts";
import { loadEntries } from "../content/entries.ts";
import { idParam, policyOf, queryValue } from "../content/request.ts";
import { validateForm, type FieldErrors } from "./form.ts";

/** "YYYY-MM-DD" → the end of that day (UTC), or null when it is no real date. */
function endOfDay(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T23:59:59.999Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) ? date : null;
}

const announceForm = z.object({
  // A checkbox: present ("1") or absent.
  requiresAck: z
    .enum(["1"], { message: "validation:invalid" })
    .optional()
    .transform((value) => value === "1"),
  expiresOn: z
    .string()
    .trim()
    .max(10, "announcements:errors.expiryInvalid")
    .optional()
    .transform((value, context) => {
      if (!value) return null;
      const date = endOfDay(value);
      if (!date) context.addIssue({ code: "custom", message: "announcements:errors.expiryInvalid" });
      else if (date.getTime() <= Date.now()) context.addIssue({ code: "custom", message: "announcements:errors.expiryPast" });
      return date;
    }),
});

/** Where a form sends the reader back to: the page it came from, never another site. */
const backTo = (ctx: AppContext, fallback: string) => (typeof ctx.state.body.returnTo === "string" ? safeNext(ctx.state.body.returnTo) : fallback);

/** Pinning, announcing (options, end), dismiss and acknowledge, and the read-receipt page. */
export function announcementRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();

  for (const [action, isPinned] of [["pin", true], ["unpin", false]] as const) {
    router.post(`/c/:id/${action}`, requireUser, async (ctx) => {
      const policy = policyOf(ctx, services.registry);
      const content = await readableContent(policy, idParam(ctx.params.id));
      await setPinned(services, policy, content, isPinned);
      flash(ctx, "success", isPinned ? "announcements:flash.pinned" : "announcements:flash.unpinned");
      ctx.redirect(backTo(ctx, `/c/${content.id}`));
    });
  }

  async function manageableContent(ctx: AppContext, id: string) {
    const policy = policyOf(ctx, services.registry);
    const content = await readableContent(policy, idParam(id));
    if (!(await policy.canManage(content))) throw forbidden("announcements:errors.notManager");
    return { policy, content };
  }

  async function renderAnnounce(ctx: AppContext, content: Content, values: Record<string, unknown>, errors: FieldErrors) {
    const policy = policyOf(ctx, services.registry);
    const [entry] = await loadEntries(services.registry, policy, [content]);
    const announcement = await Announcement.findOne({ where: { contentId: content.id } });
    const status = !announcement ? null : announcement.endedAt ? "ended" : announcement.isRunning() ? "running" : "expired";
    await ctx.render("announcements/announce.njk", { title: ctx.state.t("announcements:announce.title"), content, entry, announcement, status, values, errors });
  }

  router.get("/c/:id/announce", requireUser, async (ctx) => {
    const { content } = await manageableContent(ctx, ctx.params.id);
    const announcement = await Announcement.findOne({ where: { contentId: content.id } });
    const values = announcement ? { requiresAck: announcement.requiresAck ? "1" : "", expiresOn: announcement.expiresAt?.toISOString().slice(0, 10) ?? "" } : {};
    await renderAnnounce(ctx, content, values, {});
  });

  router.post("/c/:id/announce", requireUser, async (ctx) => {
    const { policy, content } = await manageableContent(ctx, ctx.params.id);
    const { data, errors } = validateForm(announceForm, ctx.state.body);
    if (!data) {
      ctx.status = 422;
      await renderAnnounce(ctx, content, ctx.state.body, errors);
      ctx.status = 422;
      return;
    }
    await publishAnnouncement(services, policy, content, { requiresAck: data.requiresAck, expiresAt: data.expiresOn });
    flash(ctx, "success", "announcements:flash.published");
    ctx.redirect(`/c/${content.id}`);
  });

  router.post("/announcements/:id/end", requireUser, async (ctx) => {
    const policy = policyOf(ctx, services.registry);
    const { announcement, content } = await readableAnnouncement(policy, idParam(ctx.params.id));
    await endAnnouncement(services, policy, announcement, content);
    flash(ctx, "success", "announcements:flash.ended");
    ctx.redirect(`/c/${content.id}`);
  });

  router.post("/announcements/:id/dismiss", requireUser, async (ctx) => {
    const { announcement, content } = await readableAnnouncement(policyOf(ctx, services.registry), idParam(ctx.params.id));
    await dismissAnnouncement(services, announcement, content, ctx.state.user!);
    ctx.redirect(backTo(ctx, "/"));
  });

  router.post("/announcements/:id/acknowledge", requireUser, async (ctx) => {
    const { announcement } = await readableAnnouncement(policyOf(ctx, services.registry), idParam(ctx.params.id));
    await acknowledgeAnnouncement(services, announcement, ctx.state.user!);
    flash(ctx, "success", "announcements:flash.acknowledged");
    ctx.redirect(backTo(ctx, "/"));
  });

  // Who has read it: for the author, whoever announced it and the container's managers; a 404 for anyone else.
  router.get("/announcements/:id/readers", requireUser, async (ctx) => {
    const policy = policyOf(ctx, services.registry);
    const { announcement, content } = await readableAnnouncement(policy, idParam(ctx.params.id));
    if (!(await canSeeReaders(policy, announcement, content))) throw notFound();
    const filter = (queryValue(ctx, "filter", readerFilters) ?? "all") as ReaderFilter;
    const after = queryValue(ctx, "after");
    const page = await readersPage(services.registry, announcement, content, { filter, after });
    const base = `/announcements/${announcement.id}/readers`;
    const filterQuery = filter === "all" ? [] : [["filter", filter]];
    await ctx.render("announcements/readers.njk", {
      title: ctx.state.t("announcements:readers.title"),
      announcement,
      content,
      page,
      filter,
      filters: readerFilters,
      base,
      nextUrl: page.after ? `${base}?${new URLSearchParams([...filterQuery, ["after", page.after]])}` : null,
      firstUrl: after ? `${base}${filterQuery.length ? `?${new URLSearchParams(filterQuery)}` : ""}` : null,
    });
  });

  return router;
}
