import Router from "@koa/router";
import type { IncomingMessage, ServerResponse } from "node:http";
import multer from "multer";
import { type AppContext, type AppContextExtras, type AppState, type Host, requireUser, HttpError, forbidden, validateForm, type FieldErrors, flash } from "../../../core/sdk/index.ts";
import type { RouteContext } from "./context.ts";
import { GroupCategory } from "../models/category.ts";
import { containerOf } from "../models/group.ts";
import { deleteForm, settingsForm } from "../forms.ts";
import type { GroupAccess } from "../access.ts";
import { deleteGroup, GroupFieldError, setArchived, updateGroup } from "../commands/group-writer.ts";
import { imageMaxBytes, removeGroupImage, storeGroupImage } from "../commands/image-writer.ts";
import { categoryOptions, groupLocals, managedGroupOf } from "./context.ts";
import { emitGroupEvent } from "../events.ts";

// In memory and bounded: the image is re-encoded by sharp before anything is stored.
const imageUpload = multer({ storage: multer.memoryStorage(), limits: { fileSize: imageMaxBytes, files: 1, fields: 5, fieldSize: 1000, parts: 6 } }).single(
  "image",
) as unknown as (req: IncomingMessage, res: ServerResponse, done: (error?: unknown) => void) => void;

async function receiveImage(ctx: AppContext): Promise<Buffer | null> {
  if (!ctx.is("multipart")) throw new HttpError(415);
  const request = await new Promise<IncomingMessage & { file?: { buffer: Buffer } }>((resolve, reject) =>
    imageUpload(ctx.req, ctx.res, (error) => (error ? reject(error) : resolve(ctx.req))),
  ).catch((error: { code?: string }) => {
    throw new HttpError(error.code === "LIMIT_FILE_SIZE" ? 413 : 400, error.code === "LIMIT_FILE_SIZE" ? "groups:images.errors.tooLarge" : "groups:images.errors.form");
  });
  return request.file?.buffer ?? null;
}

function settingsValues(access: GroupAccess) {
  const { group } = access;
  return { name: group.name, slug: group.slug, description: group.description, visibility: group.visibility, categoryId: group.categoryId ? String(group.categoryId) : "", tags: group.tagList.join(" "), isDefault: group.isDefault ? "1" : "" };
}

/** Settings (owners and admins), images, archive and restore, delete (owners). */
export function manageRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/g/:slug" });

  async function renderSettings(ctx: AppContext, access: GroupAccess, values: Record<string, unknown>, errors: FieldErrors, status = 200) {
    ctx.status = status;
    await ctx.render("groups/settings.njk", { ...(await groupLocals(ctx, host, access, "settings")), values, errors, categories: await categoryOptions(ctx.state.t) });
    ctx.status = status;
  }

  router.get("/settings", requireUser, async (ctx) => {
    const access = await managedGroupOf(ctx);
    await renderSettings(ctx, access, settingsValues(access), {});
  });

  router.post("/settings", requireUser, async (ctx) => {
    const access = await managedGroupOf(ctx);
    const { data, errors } = validateForm(settingsForm, ctx.state.body);
    if (!data) return renderSettings(ctx, access, ctx.state.body, errors, 422);
    if (data.categoryId && !(await GroupCategory.findByPk(data.categoryId))) return renderSettings(ctx, access, ctx.state.body, { categoryId: "validation:invalid" }, 422);
    try {
      await updateGroup(ctx.state.user!, access.group, { ...data, isDefault: data.isDefault === "1" });
    } catch (error) {
      if (error instanceof GroupFieldError) return renderSettings(ctx, access, ctx.state.body, { [error.field]: error.messageKey }, 422);
      throw error;
    }
    flash(ctx, "success", "groups:settings.saved");
    ctx.redirect(`${access.group.url}/settings`);
  });

  for (const kind of ["cover", "icon"] as const) {
    router.post(`/settings/${kind}`, requireUser, async (ctx) => {
      const access = await managedGroupOf(ctx);
      const image = await receiveImage(ctx);
      if (!image) throw new HttpError(422, "groups:images.errors.empty");
      await storeGroupImage(access.group, kind, image);
      flash(ctx, "success", "groups:images.saved");
      ctx.redirect(`${access.group.url}/settings`);
    });

    router.post(`/settings/${kind}/remove`, requireUser, async (ctx) => {
      const access = await managedGroupOf(ctx);
      await removeGroupImage(access.group, kind);
      flash(ctx, "success", "groups:images.removed");
      ctx.redirect(`${access.group.url}/settings`);
    });
  }

  router.post("/archive", requireUser, async (ctx) => {
    const access = await managedGroupOf(ctx);
    await setArchived(host.containers, ctx.state.user!, access.group, true);
    flash(ctx, "success", "groups:settings.archived");
    ctx.redirect(access.group.url);
  });

  router.post("/restore", requireUser, async (ctx) => {
    const access = await managedGroupOf(ctx);
    await setArchived(host.containers, ctx.state.user!, access.group, false);
    flash(ctx, "success", "groups:settings.restored");
    ctx.redirect(access.group.url);
  });

  async function ownedGroupOf(ctx: RouteContext) {
    const access = await managedGroupOf(ctx);
    if (!access.isOwner) throw forbidden("groups:errors.ownersOnly");
    return access;
  }

  router.get("/delete", requireUser, async (ctx) => {
    const access = await ownedGroupOf(ctx);
    await ctx.render("groups/delete.njk", { ...(await groupLocals(ctx, host, access, "settings")), errors: {} });
  });

  router.post("/delete", requireUser, async (ctx) => {
    const access = await ownedGroupOf(ctx);
    const { data } = validateForm(deleteForm, ctx.state.body);
    if (!data || data.confirm !== access.group.slug) {
      ctx.status = 422;
      await ctx.render("groups/delete.njk", { ...(await groupLocals(ctx, host, access, "settings")), errors: { confirm: "groups:delete.mismatch" } });
      ctx.status = 422;
      return;
    }
    await deleteGroup(host.containers, ctx.state.user!, access.group);
    await emitGroupEvent(host, "groups.deleted", { group: containerOf(access.group), by: ctx.state.user! });
    flash(ctx, "success", "groups:delete.done", { name: access.group.name });
    ctx.redirect("/groups");
  });

  return router;
}
