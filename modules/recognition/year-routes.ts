import Router from "@koa/router";
import { z } from "zod";
import { Content, HttpError, flash, forbidden, idParam, notFound, requireUser, validateForm, type AppContext, type AppContextExtras, type AppState, type Host } from "../../core/sdk/index.ts";
import { now } from "./clock.ts";
import { Juror, YearBallot, YearCandidate, YearVote } from "./models.ts";
import { castVote, closeVote, tally, yearSuggestions } from "./year.ts";
import { refused } from "./rules.ts";

const yearParam = (value: string | undefined) => {
  const year = Number(value);
  if (!/^\d{4}$/.test(value ?? "") || year < 2000 || year > 2999) throw notFound();
  return year;
};
const shortlistForm = z.object({ candidates: z.union([z.string(), z.array(z.string())]).transform((value) => [value].flat().map(Number)) });

/** Renders a refusal (422) on the page it came from instead of the error page. */
async function orRefusal(ctx: AppContext, work: () => Promise<void>, render: (refusal: string) => Promise<void>) {
  try {
    await work();
    return true;
  } catch (error) {
    if (!(error instanceof HttpError) || error.status !== 422) throw error;
    await render(error.messageKey);
    ctx.status = 422;
    return false;
  }
}

/** /admin/recognition/year: the admins draw a shortlist from the year's most awarded posts and close the vote. */
export function yearAdminRoutes(host: Host, admin: Router<AppState, AppContextExtras>) {
  const page = async (ctx: AppContext, year: number, extra: Record<string, unknown> = {}) => {
    const vote = await YearVote.findByPk(year);
    await ctx.render("recognition/year-admin.njk", {
      title: ctx.state.t("recognition:year.title", { year }),
      year,
      vote,
      suggestions: vote ? [] : await yearSuggestions(host, year),
      results: vote ? await tally(host, year) : [],
      ballots: vote ? await YearBallot.count({ where: { year } }) : 0,
      ...extra,
    });
  };
  admin.get("/year", async (ctx) => page(ctx, ctx.query.year ? yearParam(String(ctx.query.year)) : now().getUTCFullYear()));

  admin.post("/year/:year", async (ctx) => {
    const year = yearParam(ctx.params.year);
    const form = validateForm(shortlistForm, ctx.state.body);
    const allowed = new Set((await yearSuggestions(host, year)).map((row) => row.contentId));
    const chosen = [...new Set(form.data?.candidates ?? [])];
    const ok = await orRefusal(
      ctx,
      async () => {
        if (await YearVote.findByPk(year)) throw refused("voteExists");
        if (chosen.length < 2 || chosen.length > 10 || chosen.some((id) => !allowed.has(id))) throw refused("shortlist");
        await host.sequelize.transaction(async (transaction) => {
          await YearVote.create({ year, createdAt: now() }, { transaction });
          await YearCandidate.bulkCreate(chosen.map((contentId) => ({ year, contentId })), { transaction });
        });
      },
      (refusal) => page(ctx, year, { refusal }),
    );
    if (!ok) return;
    flash(ctx, "success", "recognition:year.opened");
    ctx.redirect(`/admin/recognition/year?year=${year}`);
  });

  admin.post("/year/:year/close", async (ctx) => {
    const year = yearParam(ctx.params.year);
    let resultId = 0;
    const ok = await orRefusal(ctx, async () => void (resultId = (await closeVote(host, host.policyOf(ctx), year)).id), (refusal) => page(ctx, year, { refusal }));
    if (!ok) return;
    flash(ctx, "success", "recognition:year.closed");
    ctx.redirect(`/c/${resultId}`);
  });
}

/** /recognition/year/<year>: the jurors read the shortlist and vote once. */
export function yearRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/recognition/year" });
  const page = async (ctx: AppContext, year: number, extra: Record<string, unknown> = {}) => {
    const juror = await Juror.findByPk(ctx.state.user!.id);
    if (!juror || !juror.isActive) throw forbidden("recognition:errors.notJuror");
    const vote = await YearVote.findByPk(year);
    if (!vote) throw notFound();
    const ids = (await YearCandidate.findAll({ where: { year }, order: [["id", "ASC"]] })).map((row) => row.contentId);
    const contents = await Content.findAll({ where: { id: ids, deletedAt: null } });
    const entries = await host.entries(host.policyOf(ctx), await host.policyOf(ctx).filterReadable(contents), { nested: true });
    const ballot = await YearBallot.findOne({ where: { year, jurorId: juror.userId } });
    await ctx.render("recognition/year-vote.njk", { title: ctx.state.t("recognition:year.title", { year }), year, vote, entries, ballot, ...extra });
  };
  router.get("/:year", requireUser, async (ctx) => page(ctx, yearParam(ctx.params.year)));
  router.post("/:year/vote", requireUser, async (ctx) => {
    const year = yearParam(ctx.params.year);
    const juror = await Juror.findByPk(ctx.state.user!.id);
    if (!juror || !juror.isActive) throw forbidden("recognition:errors.notJuror");
    const contentId = idParam(String(ctx.state.body.content ?? ""));
    const ok = await orRefusal(ctx, () => castVote(host.policyOf(ctx), year, contentId), (refusal) => page(ctx, year, { refusal }));
    if (!ok) return;
    flash(ctx, "success", "recognition:year.voted");
    ctx.redirect(`/recognition/year/${year}`);
  });
  return router;
}
