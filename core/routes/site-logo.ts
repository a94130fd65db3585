import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import Router from "@koa/router";
import type { AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { notFound } from "../http/errors.ts";
import { siteLogoFile } from "../commands/site-settings-updater.ts";

/** GET /site/logo: the uploaded site logo for every visitor, 404 while there is none. */
export function siteLogoRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  router.get("/site/logo", async (ctx) => {
    const { logoFile } = await services.settings.get();
    const logo = siteLogoFile(services.config.uploadsDir, logoFile);
    const info = logo ? await stat(logo.path).catch(() => null) : null;
    if (!logo || !info?.isFile()) throw notFound();
    ctx.status = 200;
    // The URL stays the same when the logo changes, so browsers revalidate after a few minutes; the name is the ETag.
    ctx.set("Cache-Control", "public, max-age=300");
    ctx.etag = logoFile;
    ctx.lastModified = info.mtime;
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("Content-Security-Policy", "default-src 'none'; sandbox");
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.type = logo.type;
    ctx.length = info.size;
    ctx.body = createReadStream(logo.path);
  });
  return router;
}
