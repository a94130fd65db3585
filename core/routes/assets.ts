import path from "node:path";
import send from "koa-send";
import type { Middleware } from "koa";
import type { Theme } from "../views/themes.ts";
import type { AssetBundle } from "../views/asset-bundles.ts";

const yearInSeconds = 365 * 24 * 3600;
const dayInSeconds = 24 * 3600;

/**
 * Serves /assets/* from the theme chain (the active theme first), /assets/modules/<id>/* from a module's
 * static/ folder, and the stylesheet and script bundles from memory. URLs carry ?v=<version> (a bundle's:
 * a hash of its content), so files are cached for a year and a new release changes every URL.
 */
export function themeAssets(themes: Theme[], bundles: () => Map<string, AssetBundle>, moduleStatic: Map<string, string> = new Map()): Middleware {
  const roots = themes.map((theme) => path.join(theme.directory, "static"));
  /** Sends the first theme's copy of a file; false when no theme has it. */
  const sendFromThemes = async (ctx: Parameters<Middleware>[0], file: string, options: send.SendOptions) => {
    for (const root of roots) {
      try {
        if (await send(ctx, file, { ...options, root, hidden: false })) return true;
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
      }
    }
    return false;
  };
  return async (ctx, next) => {
    if (!["GET", "HEAD"].includes(ctx.method)) return next();
    const bundle = ctx.path.startsWith("/assets/") ? bundles().get(ctx.path.slice("/assets/".length)) : undefined;
    if (bundle) {
      ctx.type = bundle.type;
      ctx.set("Cache-Control", `public, max-age=${yearInSeconds}, immutable`);
      ctx.etag = bundle.hash;
      ctx.status = 200;
      if (ctx.fresh) ctx.status = 304;
      else ctx.body = bundle.body;
      return;
    }
    const moduleFile = /^\/assets\/modules\/([a-z][a-z0-9-]{1,40})\/(.+)$/.exec(ctx.path);
    const moduleRoot = moduleFile ? moduleStatic.get(moduleFile[1]) : undefined;
    if (moduleFile && moduleRoot) {
      // koa-send keeps the path inside root (a "../" is a 403 or a 404), and skips dotfiles.
      const found = await send(ctx, moduleFile[2], { root: moduleRoot, maxage: yearInSeconds * 1000, immutable: true }).catch((error: { status?: number }) => {
        if (error.status === 404) return "";
        throw error;
      });
      return found ? undefined : next();
    }
    if (ctx.path.startsWith("/assets/")) {
      const found = await sendFromThemes(ctx, ctx.path.slice("/assets/".length), { maxage: yearInSeconds * 1000, immutable: true });
      return found ? undefined : next();
    }
    // Browsers ask for /favicon.ico on every page whatever the markup says: answer from the theme, or
    // with an empty 204, never with a rendered 404 page.
    if (ctx.path === "/favicon.ico") {
      if (await sendFromThemes(ctx, "favicon.ico", { maxage: dayInSeconds * 1000 })) return;
      ctx.status = 204;
      ctx.set("Cache-Control", `public, max-age=${dayInSeconds}`);
      return;
    }
    return next();
  };
}
