import Router from "@koa/router";
import { z } from "zod";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { requireUser, safeNext } from "../auth/current-user.ts";
import { HttpError, badRequest, notFound } from "../http/errors.ts";
import { Comment } from "../models/comment.ts";
import { reportReasons } from "../models/content-report.ts";
import { streamKeyOf } from "../models/content.ts";
import { readableContent } from "../commands/post-writer.ts";
import { openReportBy, reportTarget } from "../commands/content-reporter.ts";
import { deleteReported, dismissReports, hideTarget, unhideTarget } from "../commands/moderation-actions.ts";
import { canReport } from "../content/moderation/access.ts";
import { commentTarget, contentTarget, type ModerationTarget } from "../content/moderation/targets.ts";
import { hiddenItems, queueItems } from "../content/moderation/items.ts";
import { decodeCursor, encodeCursor } from "../content/stream.ts";
import { idParam, policyOf, queryValue } from "../content/request.ts";
import { validateForm } from "./form.ts";
import { flash } from "../views/render.ts";

export const reportNoteMaxLength = 1000;

const reportForm = z.object({
  reason: z.enum(reportReasons, { error: "moderation:report.reasonRequired" }),
  note: z
    .string()
    .trim()
    .max(reportNoteMaxLength, "moderation:report.noteTooLong")
    .optional()
    .transform((value) => value || null),
});

const queueViews = ["reports", "hidden"] as const;
const containerPattern = /^([a-z][a-z0-9-]{0,31}):(\d{1,10})$/;
const reportCursor = z.coerce.number().int().positive().max(2_147_483_647);

/** Reporting (any reader), hiding and showing again (moderators), and the moderation queue at /moderation. */
export function moderationRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  const { registry } = services;

  /** A content the viewer may read, as a target; 404 otherwise. */
  async function contentOf(ctx: AppContext, id: string): Promise<ModerationTarget> {
    return contentTarget(await readableContent(policyOf(ctx, registry), idParam(id)));
  }

  /** A comment under a content the viewer may read; hidden ones only for its moderators, deleted ones only to close their reports. */
  async function commentOf(ctx: AppContext, id: string, options: { mayBeDeleted?: boolean } = {}): Promise<ModerationTarget> {
    const policy = policyOf(ctx, registry);
    const comment = await Comment.findByPk(idParam(id));
    if (!comment) throw notFound();
    const content = await readableContent(policy, comment.contentId);
    if (comment.deletedAt && !options.mayBeDeleted) throw notFound();
    if (comment.hiddenAt && !(await policy.canModerate(content))) throw notFound();
    return commentTarget(content, comment);
  }

  /** Back to where the action was started (the queue), or to the target itself. */
  const back = (ctx: AppContext, target: ModerationTarget) => ctx.redirect(typeof ctx.state.body.returnTo === "string" ? safeNext(ctx.state.body.returnTo) : target.url);

  async function renderReportForm(ctx: AppContext, target: ModerationTarget, locals: Record<string, unknown> = {}) {
    await ctx.render("moderation/report.njk", { title: ctx.state.t("moderation:report.title"), target, reasons: reportReasons, values: {}, errors: {}, ...locals });
  }

  async function showReportForm(ctx: AppContext, target: ModerationTarget) {
    const policy = policyOf(ctx, registry);
    if (!target.isLive) throw notFound();
    if (!canReport(policy, { authorId: target.subject.authorId, isLive: target.isLive })) throw new HttpError(403, "moderation:errors.ownContent");
    await renderReportForm(ctx, target, { isAlreadyReported: Boolean(await openReportBy(policy, target)) });
  }

  // A refused report comes back with what was typed; a second report of the same thing is a kind 409.
  async function submitReport(ctx: AppContext, target: ModerationTarget) {
    const { data, errors } = validateForm(reportForm, ctx.state.body);
    if (!data) {
      ctx.status = 422;
      await renderReportForm(ctx, target, { values: ctx.state.body, errors });
      ctx.status = 422;
      return;
    }
    try {
      await reportTarget(services, policyOf(ctx, registry), target, data);
    } catch (error) {
      if (!(error instanceof HttpError && error.messageKey === "moderation:report.already")) throw error;
      ctx.status = 409;
      await renderReportForm(ctx, target, { isAlreadyReported: true });
      ctx.status = 409;
      return;
    }
    flash(ctx, "success", "moderation:report.thanks");
    ctx.redirect(target.url);
  }

  /** The same actions for contents (/c/:id/...) and comments (/comments/:id/...). */
  for (const [prefix, find] of [["/c", contentOf], ["/comments", commentOf]] as const) {
    router.get(`${prefix}/:id/report`, requireUser, async (ctx) => showReportForm(ctx, await find(ctx, ctx.params.id)));
    router.post(`${prefix}/:id/report`, requireUser, async (ctx) => submitReport(ctx, await find(ctx, ctx.params.id)));

    router.post(`${prefix}/:id/hide`, requireUser, async (ctx) => {
      const target = await find(ctx, ctx.params.id);
      await hideTarget(services, policyOf(ctx, registry), target);
      flash(ctx, "success", "moderation:done.hidden");
      back(ctx, target);
    });

    router.post(`${prefix}/:id/unhide`, requireUser, async (ctx) => {
      const target = await find(ctx, ctx.params.id);
      await unhideTarget(services, policyOf(ctx, registry), target);
      flash(ctx, "success", "moderation:done.unhidden");
      back(ctx, target);
    });
  }

  for (const [kind, find] of [["content", contentOf], ["comments", commentOf]] as const) {
    router.post(`/moderation/${kind}/:id/dismiss`, requireUser, async (ctx) => {
      const target = await find(ctx, ctx.params.id, { mayBeDeleted: true });
      const count = await dismissReports(services, policyOf(ctx, registry), target);
      flash(ctx, "success", "moderation:done.dismissed", { count });
      back(ctx, target);
    });

    router.post(`/moderation/${kind}/:id/delete`, requireUser, async (ctx) => {
      const target = await find(ctx, ctx.params.id);
      await deleteReported(services, policyOf(ctx, registry), target);
      flash(ctx, "success", target.kind === "comment" ? "moderation:done.commentDeleted" : "moderation:done.deleted");
      back(ctx, target);
    });
  }

  /** ?container=type:id narrows the pages to one container the viewer moderates; anything else is a 404. */
  async function containerFilter(ctx: AppContext) {
    const value = queryValue(ctx, "container");
    if (!value) return null;
    const match = containerPattern.exec(value);
    const definition = match ? registry.containerType(match[1]) : null;
    const container = definition ? (await definition.byIds([Number(match![2])])).get(Number(match![2])) : undefined;
    if (!container || !(await policyOf(ctx, registry).canModerate({ containerType: container.type, containerId: container.id }))) throw notFound();
    return { ...container, value, streamKey: streamKeyOf(container.type, container.id) };
  }

  router.get("/moderation", requireUser, async (ctx) => {
    const policy = policyOf(ctx, registry);
    const view = queryValue(ctx, "view", queueViews) ?? "reports";
    const container = await containerFilter(ctx);
    const filters = new URLSearchParams({ ...(view !== "reports" ? { view } : {}), ...(container ? { container: container.value } : {}) });
    const pageUrl = (before: string | null) => {
      const query = new URLSearchParams(filters);
      if (before) query.set("before", before);
      return query.size ? `/moderation?${query}` : "/moderation";
    };
    const streamKey = container?.streamKey ?? null;
    let page: { items: unknown[]; next: string | null };
    if (view === "hidden") {
      const { items, next } = await hiddenItems(services, policy, { before: decodeCursor(ctx.query.before), streamKey });
      page = { items, next: next ? encodeCursor(next) : null };
    } else {
      const before = ctx.query.before === undefined ? null : reportCursor.safeParse(ctx.query.before).data;
      if (before === undefined) throw badRequest("stream:errors.cursor");
      const { items, next } = await queueItems(services, policy, { before, streamKey });
      page = { items, next: next ? String(next) : null };
    }
    await ctx.render("moderation/queue.njk", {
      title: ctx.state.t("moderation:queue.title"),
      view,
      container,
      items: page.items,
      nextUrl: page.next ? pageUrl(page.next) : null,
      firstUrl: ctx.query.before ? pageUrl(null) : null,
      here: ctx.originalUrl,
    });
  });

  return router;
}
