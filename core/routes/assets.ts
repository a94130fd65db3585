import path from "node:path";
import send from "koa-send";
import type { Middleware } from "koa";
import type { Theme } from "../views/themes.ts";

const yearInSeconds = 365 * 24 * 3600;

/**
 * Serves /assets/* from the theme chain (the active theme first). URLs carry ?v=<version>, so files
 * are cached for a year and a new release changes every URL.
 */
export function themeAssets(themes: Theme[]): Middleware {
  const roots = themes.map((theme) => path.join(theme.directory, "static"));
  return async (ctx, next) => {
    if (!ctx.path.startsWith("/assets/") || !["GET", "HEAD"].includes(ctx.method)) return next();
    const file = ctx.path.slice("/assets/".length);
    for (const root of roots) {
      try {
        await send(ctx, file, { root, maxage: yearInSeconds * 1000, immutable: true, hidden: false });
        return;
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
      }
    }
    return next();
  };
}
