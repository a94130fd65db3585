import type Router from "@koa/router";
import { Op, QueryTypes } from "sequelize";
import { z } from "zod";
import { User, audit, flash, idParam, notFound, renderInvalid, validateForm, type AppContext, type AppContextExtras, type AppState, type Host } from "../../core/sdk/index.ts";
import { periodKey, refreshJurors } from "./jury.ts";
import { now } from "./clock.ts";
import { Award, Juror } from "./models.ts";
import { csvLine } from "./csv.ts";

const jurorForm = z.object({
  username: z.string().trim().min(1, "recognition:errors.jurorName").max(100, "recognition:errors.jurorName"),
  budget: z.coerce.number().int("recognition:errors.budget").min(1, "recognition:errors.budget").max(100000, "recognition:errors.budget"),
  period: z.enum(["month", "year"], { message: "recognition:errors.period" }).default("month"),
});

/** The budget rows of these jurors' current periods, in one query. */
async function spentThisPeriod(host: Host, jurors: Juror[]) {
  const keys = [...new Set(jurors.map((juror) => periodKey(juror.period, now())))];
  if (jurors.length === 0) return new Map<string, { budget: number; spent: number }>();
  const rows = await host.sequelize.query<{ juror_id: number; period_key: string; budget: number; spent: number }>(
    "SELECT juror_id, period_key, budget, spent FROM recognition_budgets WHERE juror_id IN (:ids) AND period_key IN (:keys)",
    { replacements: { ids: jurors.map((juror) => juror.userId), keys }, type: QueryTypes.SELECT },
  );
  return new Map(rows.map((row) => [`${row.juror_id}|${row.period_key}`, { budget: Number(row.budget), spent: Number(row.spent) }]));
}

async function juryPage(host: Host, ctx: AppContext) {
  const jurors = await Juror.findAll({ where: { isActive: true }, order: [["createdAt", "ASC"]] });
  const people = new Map((await User.findAll({ where: { id: jurors.map((juror) => juror.userId) }, attributes: ["id", "displayName", "username"] })).map((user) => [user.id, user]));
  const spent = await spentThisPeriod(host, jurors);
  const rows = jurors.map((juror) => {
    const key = periodKey(juror.period, now());
    const row = spent.get(`${juror.userId}|${key}`);
    return { juror, person: people.get(juror.userId), remaining: { periodKey: key, budget: row?.budget ?? juror.budget, spent: row?.spent ?? 0 } };
  });
  return { title: ctx.state.t("recognition:jury.adminTitle"), jurors: rows };
}

/** /admin/recognition/jury: naming jurors and their budgets; /admin/recognition/awards.csv: the ledger. */
export function juryAdminRoutes(host: Host, admin: Router<AppState, AppContextExtras>) {
  admin.get("/jury", async (ctx) => ctx.render("recognition/jury-admin.njk", { ...(await juryPage(host, ctx)), values: { period: "month" }, errors: {} }));

  admin.post("/jury", async (ctx) => {
    const form = validateForm(jurorForm, ctx.state.body);
    const person = form.data ? await User.findOne({ where: { username: form.data.username.replace(/^@/, "").toLowerCase(), status: "active", role: { [Op.ne]: "guest" } } }) : null;
    if (form.errors || !person) return renderInvalid(ctx, "recognition/jury-admin.njk", form.errors ?? { username: "recognition:errors.jurorName" }, await juryPage(host, ctx));
    await Juror.upsert({ userId: person.id, budget: form.data!.budget, period: form.data!.period, isActive: true });
    await refreshJurors();
    await audit(ctx.state.user, "recognition.juror.named", { type: "user", id: person.id }, { budget: form.data!.budget, period: form.data!.period });
    flash(ctx, "success", "recognition:jury.named");
    ctx.redirect("/admin/recognition/jury");
  });

  admin.post("/jury/:userId/remove", async (ctx) => {
    const juror = await Juror.findByPk(idParam(ctx.params.userId));
    if (!juror) throw notFound();
    await juror.update({ isActive: false });
    await refreshJurors();
    await audit(ctx.state.user, "recognition.juror.removed", { type: "user", id: juror.userId });
    flash(ctx, "success", "recognition:jury.removed");
    ctx.redirect("/admin/recognition/jury");
  });

  // The whole ledger as CSV, oldest first, read in pages so a long history is never held at once.
  admin.get("/awards.csv", async (ctx) => {
    const lines = [csvLine(["id", "created_at", "juror", "content_id", "comment_id", "points", "reason", "period"])];
    let after = 0;
    for (;;) {
      const page = await Award.findAll({ where: { id: { [Op.gt]: after } }, order: [["id", "ASC"]], limit: 500 });
      if (page.length === 0) break;
      const names = new Map((await User.findAll({ where: { id: [...new Set(page.map((row) => row.jurorId))] }, attributes: ["id", "username"] })).map((user) => [user.id, user.username]));
      for (const row of page) lines.push(csvLine([row.id, row.createdAt.toISOString(), names.get(row.jurorId) ?? "", row.contentId, row.commentId ?? "", row.points, row.reason, row.periodKey]));
      after = page[page.length - 1].id;
    }
    ctx.set("Content-Disposition", 'attachment; filename="awards.csv"');
    ctx.type = "text/csv; charset=utf-8";
    ctx.body = lines.join("");
  });
}
