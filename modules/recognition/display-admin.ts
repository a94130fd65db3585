import type Router from "@koa/router";
import { z } from "zod";
import { audit, flash, idParam, newSecretToken, notFound, renderInvalid, validateForm, type AppContext, type AppContextExtras, type AppState, type Host } from "../../core/sdk/index.ts";
import { DisplayLink } from "./models.ts";
import { now } from "./clock.ts";

const linkForm = z.object({ name: z.string().trim().min(1, "recognition:errors.linkName").max(80, "recognition:errors.linkName") });

async function linksPage(ctx: AppContext) {
  return { title: ctx.state.t("recognition:display.adminTitle"), links: await DisplayLink.findAll({ order: [["id", "DESC"]], limit: 100 }) };
}

/** /admin/recognition/display-links: read-only links for office screens. The token shows once; only its hash is kept. */
export function displayLinkRoutes(host: Host, admin: Router<AppState, AppContextExtras>) {
  admin.get("/display-links", async (ctx) => {
    await ctx.render("recognition/display-links.njk", { ...(await linksPage(ctx)), values: {}, errors: {} });
  });

  admin.post("/display-links", async (ctx) => {
    const form = validateForm(linkForm, ctx.state.body);
    if (form.errors) return renderInvalid(ctx, "recognition/display-links.njk", form.errors, await linksPage(ctx));
    const { token, hash } = newSecretToken();
    const link = await DisplayLink.create({ name: form.data.name, tokenHash: hash, createdBy: ctx.state.user!.id, createdAt: now() });
    await audit(ctx.state.user, "recognition.display-link.created", { type: "recognition-display-link", id: link.id });
    await ctx.render("recognition/display-links.njk", { ...(await linksPage(ctx)), values: {}, errors: {}, newLink: `/recognition/display/${token}` });
  });

  admin.post("/display-links/:id/revoke", async (ctx) => {
    const link = await DisplayLink.findByPk(idParam(ctx.params.id));
    if (!link) throw notFound();
    if (!link.revokedAt) await link.update({ revokedAt: now() });
    // The screen's open live feed ends now, in whichever process holds it (not at its next check).
    await host.live.recheckAudiences();
    await audit(ctx.state.user, "recognition.display-link.revoked", { type: "recognition-display-link", id: link.id });
    flash(ctx, "success", "recognition:display.revoked");
    ctx.redirect("/admin/recognition/display-links");
  });
}
