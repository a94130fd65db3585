import Router from "@koa/router";
import type { AppContextExtras, AppState } from "../../http/context.ts";
import type { AppServices } from "../../services.ts";
import { badRequest } from "../../http/errors.ts";
import { audit } from "../../commands/audit.ts";
import { flash } from "../../views/render.ts";
import { enabledFields, profileFields, saveEnabledFields, type ProfileField } from "../../people/profile-fields.ts";

/** /admin/profile-fields: which optional profile fields people see and fill in (admin access is checked for all of /admin). */
export function profileFieldRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();

  router.get("/admin/profile-fields", async (ctx) => {
    await ctx.render("admin/profile-fields.njk", { title: ctx.state.t("profile:fields.title"), profileFields, enabled: await enabledFields(services.settings) });
  });

  router.post("/admin/profile-fields", async (ctx) => {
    // Unticked boxes are simply absent; anything that is not a known field name is a forged form.
    const sent = [ctx.state.body.shown ?? []].flat();
    if (!sent.every((field): field is ProfileField => typeof field === "string" && (profileFields as readonly string[]).includes(field))) throw badRequest("profile:fields.invalid");
    const before = await enabledFields(services.settings);
    await services.sequelize.transaction(async (transaction) => {
      await saveEnabledFields(services.settings, sent, transaction);
      const hidden = profileFields.filter((field) => !sent.includes(field));
      await audit(ctx.state.user!, "settings.profileFields", { type: "site", id: "profileFields" }, { hidden, before: profileFields.filter((field) => !before[field]) }, transaction);
    });
    // A page rendered while the transaction was open may have cached the old values.
    await services.settings.set({});
    flash(ctx, "success", "profile:fields.saved");
    ctx.redirect("/admin/profile-fields");
  });
  return router;
}
