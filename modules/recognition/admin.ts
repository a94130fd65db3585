import Router from "@koa/router";
import {
  audit,
  flash,
  idParam,
  notFound,
  renderInvalid,
  validateForm,
  type AppContext,
  type AppContextExtras,
  type AppState,
  type FieldErrors,
  type Host,
  type StoredFile,
} from "../../core/sdk/index.ts";
import { badgeForm, forgetBadges, shownBadge, type BadgeFields } from "./badges.ts";
import { displayLinkRoutes } from "./display-admin.ts";
import { juryAdminRoutes } from "./jury-admin.ts";
import { rankingExportRoute } from "./rankings.ts";
import { rulesAdminRoutes } from "./rules-admin.ts";
import { yearAdminRoutes } from "./year-routes.ts";
import { badgeIconHtml, iconKeys, iconSvg } from "./icons.ts";
import { Badge } from "./models.ts";

const iconTypes = ["image/png", "image/jpeg", "image/webp"];

/** /admin/recognition: the badge catalogue (core lets only the site's admins in). */
export function adminRoutes(host: Host) {
  const admin = new Router<AppState, AppContextExtras>();
  const icons = iconKeys.map((key) => ({ key, svg: iconSvg(key) }));
  const listPage = async (ctx: AppContext) => ({
    title: ctx.state.t("recognition:admin.title"),
    badges: (await Badge.findAll({ order: [["isActive", "DESC"], ["id", "ASC"]] })).map((badge) => ({ ...shownBadge(badge, ctx.state.lang), iconHtml: badgeIconHtml(badge) })),
    icons,
  });

  admin.get("/", async (ctx) => {
    await ctx.render("recognition/admin.njk", { ...(await listPage(ctx)), values: { icon: "star", points: "10" }, errors: {} });
  });

  /** Stores the uploaded icon when "upload" was chosen: an image, or a 422 with nothing written. */
  async function receiveIcon(ctx: AppContext): Promise<{ fields?: BadgeFields; errors?: FieldErrors; file?: StoredFile | null }> {
    const uploads = await host.files.receive(ctx, { maxFiles: 1, maxFileBytes: 512 * 1024 });
    const form = validateForm(badgeForm, ctx.state.body);
    if (form.errors) return { errors: form.errors };
    if (form.data.icon !== "upload") return { fields: form.data, file: null };
    if (!uploads[0]) return { errors: { icon: "recognition:errors.iconFile" } };
    return { fields: form.data, file: await host.files.put(uploads[0], { uploader: ctx.state.user, types: iconTypes }) };
  }

  const rowOf = (fields: BadgeFields, file: StoredFile | null, keep: Pick<Badge, "icon" | "iconFileId"> | null) => ({
    nameEn: fields.nameEn,
    nameFr: fields.nameFr,
    descriptionEn: fields.descriptionEn,
    descriptionFr: fields.descriptionFr,
    companyValue: fields.companyValue || null,
    points: fields.points,
    // "upload" without a new file on an edit keeps the icon it had.
    icon: fields.icon === "upload" ? (keep?.icon ?? "star") : fields.icon,
    iconFileId: fields.icon === "upload" ? (file?.id ?? keep?.iconFileId ?? null) : null,
  });

  admin.post("/badges", async (ctx) => {
    const { fields, errors, file } = await receiveIcon(ctx);
    if (errors) return renderInvalid(ctx, "recognition/admin.njk", errors, await listPage(ctx));
    const badge = await Badge.create(rowOf(fields!, file ?? null, null));
    forgetBadges();
    await audit(ctx.state.user, "recognition.badge.created", { type: "recognition-badge", id: badge.id });
    flash(ctx, "success", "recognition:admin.created");
    ctx.redirect("/admin/recognition");
  });

  admin.get("/badges/:id", async (ctx) => {
    const badge = await Badge.findByPk(idParam(ctx.params.id));
    if (!badge) throw notFound();
    await ctx.render("recognition/badge-edit.njk", { title: ctx.state.t("recognition:admin.edit"), badge, icons, values: { ...badge.get(), companyValue: badge.companyValue ?? "", icon: badge.iconFileId ? "upload" : badge.icon }, errors: {} });
  });

  admin.post("/badges/:id", async (ctx) => {
    const badge = await Badge.findByPk(idParam(ctx.params.id));
    if (!badge) throw notFound();
    const { fields, errors, file } = await receiveIcon(ctx);
    if (errors) return renderInvalid(ctx, "recognition/badge-edit.njk", errors, { title: ctx.state.t("recognition:admin.edit"), badge, icons });
    await badge.update(rowOf(fields!, file ?? null, badge));
    forgetBadges();
    await audit(ctx.state.user, "recognition.badge.updated", { type: "recognition-badge", id: badge.id });
    flash(ctx, "success", "recognition:admin.saved");
    ctx.redirect("/admin/recognition");
  });

  // Retiring keeps the badge and every kudos given with it; it only leaves the composer's choices.
  for (const [action, isActive] of [["retire", false], ["activate", true]] as const) {
    admin.post(`/badges/:id/${action}`, async (ctx) => {
      const badge = await Badge.findByPk(idParam(ctx.params.id));
      if (!badge) throw notFound();
      await badge.update({ isActive });
      forgetBadges();
      await audit(ctx.state.user, `recognition.badge.${action}`, { type: "recognition-badge", id: badge.id });
      flash(ctx, "success", isActive ? "recognition:admin.activated" : "recognition:admin.retired");
      ctx.redirect("/admin/recognition");
    });
  }

  displayLinkRoutes(host, admin);
  juryAdminRoutes(host, admin);
  rankingExportRoute(host, admin);
  rulesAdminRoutes(host, admin);
  yearAdminRoutes(host, admin);
  return admin;
}
