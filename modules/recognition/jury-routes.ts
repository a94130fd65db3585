import Router from "@koa/router";
import { QueryTypes } from "sequelize";
import { z } from "zod";
import { Content, HttpError, flash, forbidden, idParam, notFound, requireUser, validateForm, type AppContext, type AppContextExtras, type AppState, type Host } from "../../core/sdk/index.ts";
import { award, remainingBudget } from "./jury.ts";
import { Juror } from "./models.ts";

const awardForm = z.object({
  content: z.coerce.number().int().positive(),
  comment: z.union([z.literal(""), z.coerce.number().int().positive()]).optional(),
  points: z.coerce.number({ message: "recognition:errors.awardPoints" }).int("recognition:errors.awardPoints").min(1, "recognition:errors.awardPoints").max(100000, "recognition:errors.awardPoints"),
  reason: z.string().trim().min(1, "recognition:errors.reason").max(500, "recognition:errors.reason"),
});

/** /recognition/awards: a juror gives points to a post or one of its comments, with a reason. */
export function juryRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/recognition/awards" });

  async function formPage(ctx: AppContext, contentId: number, extra: Record<string, unknown> = {}) {
    const juror = await Juror.findByPk(ctx.state.user!.id);
    if (!juror || !juror.isActive) throw forbidden("recognition:errors.notJuror");
    const content = await Content.findByPk(contentId);
    if (!content || content.deletedAt || !(await host.policyOf(ctx).canRead(content))) throw notFound();
    const [entry] = await host.entries(host.policyOf(ctx), [content], { nested: true });
    const comments = await host.sequelize.query<{ id: number; author_id: number; body: string }>(
      "SELECT id, author_id, body FROM comments WHERE content_id = :id AND deleted_at IS NULL AND hidden_at IS NULL AND author_id <> :juror ORDER BY id LIMIT 200",
      { replacements: { id: content.id, juror: juror.userId }, type: QueryTypes.SELECT },
    );
    await ctx.render("recognition/award.njk", {
      title: ctx.state.t("recognition:jury.awardTitle"),
      entry,
      content,
      isOwn: content.authorId === juror.userId,
      comments: comments.map((comment) => ({ id: comment.id, excerpt: comment.body.slice(0, 80) })),
      remaining: await remainingBudget(host, juror),
      values: {},
      errors: {},
      ...extra,
    });
  }

  router.get("/new", requireUser, async (ctx) => formPage(ctx, idParam(String(ctx.query.content ?? ""))));

  router.post("/", requireUser, async (ctx) => {
    const form = validateForm(awardForm, ctx.state.body);
    const contentId = idParam(String(ctx.state.body.content ?? ""));
    if (form.errors) {
      ctx.status = 422;
      await formPage(ctx, contentId, { values: ctx.state.body, errors: form.errors });
      ctx.status = 422;
      return;
    }
    const { content, comment, points, reason } = form.data;
    try {
      await award(host, host.policyOf(ctx), { contentId: content, commentId: comment ? Number(comment) : null, points, reason });
    } catch (error) {
      if (!(error instanceof HttpError) || error.status !== 422 || ctx.accepts("html", "json") === "json") throw error;
      await formPage(ctx, contentId, { values: ctx.state.body, refusal: error.messageKey });
      ctx.status = 422;
      return;
    }
    flash(ctx, "success", "recognition:jury.awarded");
    ctx.redirect(`/c/${content}`);
  });

  return router;
}
