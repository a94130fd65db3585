import Router from "@koa/router";
import { z } from "zod";
import { Content, HttpError, flash, requireUser, validateForm, type AppContext, type AppContextExtras, type AppState, type Container, type Host } from "../../core/sdk/index.ts";
import { activeBadges } from "./badges.ts";
import { giveKudos, kudosType } from "./kudos.ts";
import { Preference } from "./models.ts";
import { groupsWithModuleOn, wallPage } from "./wall-query.ts";
import { earnedBadges } from "./rules-admin.ts";
import { badgeIconHtml } from "./icons.ts";

const companyStream: Container = { type: "company", id: 0, slug: "company", name: "company" };

const giveForm = z.object({
  username: z.string().trim().min(1).max(100),
  badge: z.coerce.number({ message: "recognition:errors.badge" }).int("recognition:errors.badge").positive("recognition:errors.badge"),
  body: z.string().trim().min(1, "recognition:errors.message").max(5000, "recognition:errors.message"),
});
const preferencesForm = z.object({ notifyManager: z.literal("1").optional(), hideFromRankings: z.literal("1").optional() });

/** The latest kudos a person received that the viewer may read (the wall has the rest, filtered by the person). */
async function receivedBy(host: Host, ctx: AppContext, person: Container) {
  const policy = host.policyOf(ctx);
  const rows = await wallPage(host.sequelize, policy, { recipientId: person.id }, 20, await groupsWithModuleOn(host));
  const contents = new Map((await Content.findAll({ where: { id: rows.map((row) => row.contentId) } })).map((content) => [content.id, content]));
  return host.entries(policy, rows.map((row) => contents.get(row.contentId)).filter((content): content is Content => Boolean(content)));
}

/** /u/<username>/recognition: kudos received, a form to thank the person, and (on one's own) one's choices. */
export function profileRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>();
  const render = async (ctx: AppContext, person: Container, extra: Record<string, unknown> = {}) => {
    const viewer = ctx.state.user;
    const isOwn = viewer?.id === person.id;
    const canGive = Boolean(viewer && !isOwn && (await host.policyOf(ctx).canPostIn(companyStream)));
    await ctx.render("recognition/profile.njk", {
      title: person.name,
      container: person,
      profileTabs: await host.menuEntries("profile", { user: viewer, container: person }),
      entries: await receivedBy(host, ctx, person),
      earned: (await earnedBadges(person.id, ctx.state.lang)).map((badge) => ({ ...badge, iconHtml: badgeIconHtml(badge, 32) })),
      badges: canGive ? await activeBadges() : [],
      canGive,
      preferences: isOwn ? ((await Preference.findByPk(person.id)) ?? { notifyManager: false, hideFromRankings: false }) : null,
      values: {},
      errors: {},
      ...extra,
    });
  };

  router.get("/", async (ctx) => render(ctx, ctx.state.container!));

  router.post("/give", requireUser, async (ctx) => {
    const person = ctx.state.container!;
    const form = validateForm(giveForm, { ...ctx.state.body, username: person.slug });
    if (form.errors) {
      ctx.status = 422;
      return render(ctx, person, { values: ctx.state.body, errors: form.errors });
    }
    try {
      const content = await giveKudos(host, host.policyOf(ctx), { container: companyStream, message: form.data.body, recipients: person.slug, badgeId: form.data.badge, thanksGroup: false });
      flash(ctx, "success", "recognition:given");
      ctx.redirect(`/c/${content.id}`);
    } catch (error) {
      if (!(error instanceof HttpError) || error.status !== 422) throw error;
      ctx.status = 422;
      await render(ctx, person, { values: ctx.state.body, refusal: error.messageKey });
      ctx.status = 422;
    }
  });

  router.post("/preferences", requireUser, async (ctx) => {
    const person = ctx.state.container!;
    if (ctx.state.user!.id !== person.id) throw new HttpError(403);
    const form = validateForm(preferencesForm, ctx.state.body);
    if (form.errors) throw new HttpError(422);
    await Preference.upsert({ userId: person.id, notifyManager: form.data.notifyManager === "1", hideFromRankings: form.data.hideFromRankings === "1" });
    flash(ctx, "success", "recognition:preferences.saved");
    ctx.redirect(`/u/${person.slug}/recognition`);
  });
  return router;
}
