import Router from "@koa/router";
import { Op } from "sequelize";
import { type AppContext, type AppContextExtras, type AppState, type Host, requireUser, forbidden, queryValue, renderInvalid, validateForm, type FieldErrors, flash } from "../../../core/sdk/index.ts";
import { GroupCategory } from "../models/category.ts";
import { GroupInvitation } from "../models/invitation.ts";
import { Group } from "../models/group.ts";
import { GroupProposal } from "../models/request.ts";
import { allCategories } from "../categories.ts";
import { groupForm, proposalForm } from "../forms.ts";
import { groupsSettings } from "../group-settings.ts";
import { createGroup, GroupFieldError } from "../commands/group-writer.ts";
import { decodeDirectoryCursor, directoryPage, encodeDirectoryCursor } from "../queries/directory.ts";
import { categoryLabel, categoryOptions } from "./context.ts";

export const directoryPageSize = 20;

/** May this user create groups directly (else: guests never; members send a request when only admins create). */
async function creationMode(ctx: AppContext): Promise<"create" | "propose" | "none"> {
  const user = ctx.state.user!;
  if (user.role === "guest") return "none";
  if (user.isAdmin) return "create";
  return (await groupsSettings()).creationPolicy === "everyone" ? "create" : "propose";
}

/** Invitations waiting for the user, with their groups (they may be secret: the invitee may see them). */
async function pendingInvitations(userId: number) {
  const invitations = await GroupInvitation.findAll({ where: { userId, expiresAt: { [Op.gt]: new Date() } }, order: [["id", "DESC"]], limit: 50 });
  const groups = new Map((invitations.length ? await Group.findAll({ where: { id: invitations.map((i) => i.groupId) } }) : []).map((g) => [g.id, g]));
  return invitations.map((invitation) => groups.get(invitation.groupId)).filter((group): group is Group => Boolean(group));
}

/** /groups (directory, "my groups", search, category filter) and /groups/new (create, or request a group). */
export function directoryRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>();

  router.get("/groups", requireUser, async (ctx) => {
    const user = ctx.state.user!;
    const scope = (queryValue(ctx, "scope", ["all", "mine"]) ?? "all") as "all" | "mine";
    const search = queryValue(ctx, "q")?.trim().slice(0, 100) || undefined;
    const categoryParam = queryValue(ctx, "category");
    const categoryId = categoryParam && /^[1-9]\d{0,9}$/.test(categoryParam) ? Number(categoryParam) : undefined;
    const isArchived = queryValue(ctx, "archived", ["1"]) === "1";
    const after = decodeDirectoryCursor(ctx.query.after);
    const { rows, next } = await directoryPage(host.sequelize, user, { scope, search, categoryId, isArchived, after, limit: directoryPageSize });
    const categoryNames = new Map((await allCategories()).map((category) => [category.id, categoryLabel(category, ctx.state.t)]));
    const filters = { ...(scope !== "all" ? { scope } : {}), ...(search ? { q: search } : {}), ...(categoryId ? { category: String(categoryId) } : {}), ...(isArchived ? { archived: "1" } : {}) };
    await ctx.render("groups/directory.njk", {
      title: ctx.state.t("groups:directory.title"),
      rows: rows.map((row) => ({ group: row, role: row.role, categoryName: row.categoryId ? categoryNames.get(row.categoryId) : "" })),
      nextUrl: next ? `/groups?${new URLSearchParams({ ...filters, after: encodeDirectoryCursor(next) })}` : null,
      scope,
      search: search ?? "",
      categoryId: categoryId ? String(categoryId) : "",
      isArchived,
      categories: [...categoryNames].map(([id, label]) => ({ value: String(id), label })),
      invitations: await pendingInvitations(user.id),
      creation: await creationMode(ctx),
    });
  });

  async function renderNew(ctx: AppContext, values: Record<string, unknown>, errors: FieldErrors, status = 200) {
    const mode = await creationMode(ctx);
    if (mode === "none") throw forbidden("groups:errors.cannotCreate");
    ctx.status = status;
    await ctx.render("groups/new.njk", { title: ctx.state.t("groups:new.title"), mode, values, errors, categories: await categoryOptions(ctx.state.t) });
    ctx.status = status;
  }

  router.get("/groups/new", requireUser, async (ctx) => {
    await renderNew(ctx, { visibility: "open" }, {});
  });

  router.post("/groups/new", requireUser, async (ctx) => {
    const mode = await creationMode(ctx);
    if (mode !== "create") throw forbidden("groups:errors.cannotCreate");
    const { data, errors } = validateForm(groupForm, ctx.state.body);
    if (!data) return renderNew(ctx, ctx.state.body, errors, 422);
    if (data.categoryId && !(await GroupCategory.findByPk(data.categoryId))) return renderNew(ctx, ctx.state.body, { categoryId: "validation:invalid" }, 422);
    try {
      const group = await createGroup(ctx.state.user!, data);
      flash(ctx, "success", "groups:new.created", { name: group.name });
      ctx.redirect(group.url);
    } catch (error) {
      if (error instanceof GroupFieldError) return renderNew(ctx, ctx.state.body, { [error.field]: error.messageKey }, 422);
      throw error;
    }
  });

  // When only admins create groups, members ask for one; admins decide under /admin/groups.
  router.post("/groups/proposals", requireUser, async (ctx) => {
    if ((await creationMode(ctx)) !== "propose") throw forbidden("groups:errors.cannotCreate");
    const { data, errors } = validateForm(proposalForm, ctx.state.body);
    if (!data) return renderInvalid(ctx, "groups/new.njk", errors, { title: ctx.state.t("groups:new.title"), mode: "propose", categories: [] });
    await GroupProposal.create({ userId: ctx.state.user!.id, ...data });
    flash(ctx, "success", "groups:new.proposed");
    ctx.redirect("/groups");
  });

  return router;
}
