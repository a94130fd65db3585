import Router from "@koa/router";
import type { AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { requireUser } from "../auth/current-user.ts";
import { forbidden, notFound } from "../http/errors.ts";
import { readableContent } from "../commands/post-writer.ts";
import { ContentLinkPreview, LinkPreview } from "../models/link-preview.ts";
import { idParam, policyOf } from "../content/request.ts";
import { flash } from "../views/render.ts";

/**
 * A link card's picture, only for readers of the content (a card in a private group shows nothing to
 * others, its picture neither), cached for good under its hash; and the card's removal by whoever may edit.
 */
export function linkPreviewRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();

  router.get("/c/:id/link-preview/:file", requireUser, async (ctx) => {
    const content = await readableContent(policyOf(ctx, services.registry), idParam(ctx.params.id));
    const hash = /^([0-9a-f]{16})\.webp$/.exec(ctx.params.file)?.[1];
    const shown = hash ? await ContentLinkPreview.findOne({ where: { contentId: content.id, hidden: false } }) : null;
    const preview = shown ? await LinkPreview.findOne({ where: { urlHash: shown.urlHash, status: "ready", imageHash: hash } }) : null;
    if (!preview?.image) throw notFound();
    ctx.type = "image/webp";
    ctx.set("Cache-Control", "private, max-age=31536000, immutable");
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.body = preview.image;
  });

  router.post("/c/:id/link-preview/remove", requireUser, async (ctx) => {
    const policy = policyOf(ctx, services.registry);
    const content = await readableContent(policy, idParam(ctx.params.id));
    if (!(await policy.canEdit(content))) throw forbidden();
    await ContentLinkPreview.update({ hidden: true }, { where: { contentId: content.id } });
    flash(ctx, "success", "stream:linkPreview.removed");
    ctx.redirect(`/c/${content.id}`);
  });

  return router;
}
