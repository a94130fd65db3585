import Router from "@koa/router";
import { z } from "zod";
import { type AppContextExtras, type AppState, type Host, requireAdmin, HttpError, validateForm, flash, audit, User } from "../../../core/sdk/index.ts";
import { Group } from "../models/group.ts";
import { GroupCategory } from "../models/category.ts";
import { forgetCategories } from "../categories.ts";
import { GroupProposal } from "../models/request.ts";
import { creationPolicies, groupsSettings, saveGroupsSettings } from "../group-settings.ts";
import { decideProposal } from "../commands/proposal-writer.ts";
import { categoryLabel, numberParam } from "./context.ts";

const policyForm = z.object({ creationPolicy: z.enum(creationPolicies, "validation:invalid") });
const categoryForm = z.object({ name: z.string().trim().min(1, "validation:required").max(64, "validation:tooLong") });

/** /admin/groups: who may create groups, the category list, group requests, default groups. Instance admins only. */
export function instanceAdminRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/admin/groups" });
  router.use(requireAdmin);

  router.get("/", async (ctx) => {
    const [settings, categories, proposals, defaults] = await Promise.all([
      groupsSettings(),
      GroupCategory.findAll({ order: [["position", "ASC"], ["id", "ASC"]] }),
      GroupProposal.findAll({ order: [["id", "ASC"]], limit: 100 }),
      Group.findAll({ where: { isDefault: true }, order: [["sortName", "ASC"]], limit: 100 }),
    ]);
    const requesters = new Map((proposals.length ? await User.findAll({ where: { id: proposals.map((p) => p.userId) } }) : []).map((u) => [u.id, u]));
    await ctx.render("groups/admin.njk", {
      title: ctx.state.t("groups:admin.title"),
      settings,
      policies: creationPolicies,
      categories: categories.map((category) => ({ id: category.id, label: categoryLabel(category, ctx.state.t), name: category.name ?? "" })),
      proposals: proposals.map((proposal) => ({ proposal, requester: requesters.get(proposal.userId) })),
      defaults,
    });
  });

  router.post("/settings", async (ctx) => {
    const { data } = validateForm(policyForm, ctx.state.body);
    if (!data) throw new HttpError(422, "validation:invalid");
    await host.sequelize.transaction(async (transaction) => {
      await saveGroupsSettings(data, transaction);
      await audit(ctx.state.user, "groups.settings", null, data, transaction);
    });
    flash(ctx, "success", "groups:admin.saved");
    ctx.redirect("/admin/groups");
  });

  router.post("/categories", async (ctx) => {
    const { data } = validateForm(categoryForm, ctx.state.body);
    if (!data) throw new HttpError(422, "groups:admin.errors.categoryName");
    const last = await GroupCategory.max<number, GroupCategory>("position");
    await GroupCategory.create({ slug: null, name: data.name, position: (last ?? 0) + 1 });
    forgetCategories();
    flash(ctx, "success", "groups:admin.categoryAdded");
    ctx.redirect("/admin/groups");
  });

  router.post("/categories/:id", async (ctx) => {
    const category = await GroupCategory.findByPk(numberParam(ctx.params.id));
    if (!category) throw new HttpError(404);
    const { data } = validateForm(categoryForm, ctx.state.body);
    if (!data) throw new HttpError(422, "groups:admin.errors.categoryName");
    await category.update({ name: data.name });
    forgetCategories();
    flash(ctx, "success", "groups:admin.categoryRenamed");
    ctx.redirect("/admin/groups");
  });

  // Its groups keep existing, without a category (the foreign key sets it to null).
  router.post("/categories/:id/delete", async (ctx) => {
    const category = await GroupCategory.findByPk(numberParam(ctx.params.id));
    if (!category) throw new HttpError(404);
    await category.destroy();
    forgetCategories();
    flash(ctx, "success", "groups:admin.categoryDeleted");
    ctx.redirect("/admin/groups");
  });

  router.post("/proposals/:id/:decision", async (ctx) => {
    const decision = ctx.params.decision;
    if (decision !== "approve" && decision !== "decline") throw new HttpError(404);
    const group = await decideProposal(ctx.state.user!, numberParam(ctx.params.id), decision === "approve");
    if (group) flash(ctx, "success", "groups:admin.proposalApproved", { name: group.name });
    else flash(ctx, "success", "groups:admin.proposalDeclined");
    ctx.redirect("/admin/groups");
  });

  return router;
}
