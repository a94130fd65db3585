import type { Middleware } from "koa";
import type { Environment } from "nunjucks";
import type { Logger } from "pino";
import type { i18n } from "i18next";
import type { AppContextExtras, AppState } from "./context.ts";
import { HttpError } from "./errors.ts";
import { pickLanguage } from "../views/i18n.ts";

const pageStatuses = new Set([403, 404, 500]);

function wantsJson(ctx: Parameters<Middleware>[0]) {
  return ctx.path.startsWith("/api/") || ctx.is("json") === "json" || ctx.accepts("html", "json") === "json";
}

/** The methods of the routes that matched the path (a router that throws 405 does not set Allow itself). */
function allowedMethods(ctx: Parameters<Middleware>[0]): string {
  const layers = (ctx as { matched?: { methods?: string[] }[] }).matched ?? [];
  return [...new Set(layers.flatMap((layer) => layer.methods ?? []))].join(", ");
}

/**
 * Turns any error into a themed page or a JSON error in the user's language. A 5xx is logged with the
 * request id and shown without detail; a 4xx says what was wrong.
 */
export function errorHandler(
  templates: Environment,
  i18next: i18n,
  logger: Logger,
  /** Makes an error raised before the renderer renderable: session, user, language and renderer, as for a page. */
  preparePage?: (ctx: Parameters<Middleware<AppState, AppContextExtras>>[0]) => Promise<void>,
): Middleware<AppState, AppContextExtras> {
  return async (ctx, next) => {
    try {
      await next();
      // A middleware that only set an error status (a router's 405, nothing matched: 404) gets the same page.
      if (ctx.status >= 400 && (ctx.body === undefined || ctx.body === null)) throw new HttpError(ctx.status);
    } catch (error) {
      const err = error as { status?: number; statusCode?: number; expose?: boolean; messageKey?: string; headers?: Record<string, string> };
      const rawStatus = err.status ?? err.statusCode ?? 500;
      const status = rawStatus >= 400 && rawStatus < 600 ? rawStatus : 500;
      if (status >= 500) logger.error({ err: error, requestId: ctx.state.requestId, path: ctx.path }, "request failed");
      // Raised before the renderer (body too large...): load what a page needs, so the error page shows the
      // site's name and the signed-in header like any other; if even that fails, the bare page below.
      if (!ctx.render && preparePage && !wantsJson(ctx)) await preparePage(ctx).catch((failure) => logger.warn({ err: failure, requestId: ctx.state.requestId }, "error page without the site's layout"));
      // Errors raised before the language middleware still follow Accept-Language.
      const lang = ctx.state.lang ?? pickLanguage(null, ctx.get("accept-language"), "en");
      const t = ctx.state.t ?? i18next.getFixedT(lang);
      const key = error instanceof HttpError ? error.messageKey : `errors:status.${status}`;
      const message = i18next.exists(key) ? t(key) : t("errors:status.generic");
      ctx.status = status;
      if (status === 405 && !ctx.response.get("Allow")) ctx.set("Allow", err.headers?.Allow ?? allowedMethods(ctx));
      if (wantsJson(ctx)) {
        ctx.body = { error: { status, message, requestId: ctx.state.requestId } };
        return;
      }
      const template = pageStatuses.has(status) ? `errors/${status}.njk` : "errors/error.njk";
      const locals = { status, message, requestId: ctx.state.requestId };
      try {
        if (ctx.render) await ctx.render(template, locals);
        else throw new Error("no renderer yet");
      } catch {
        ctx.type = "html";
        ctx.body = templates.render(template, { ...locals, t, lang, site: { siteName: "Agora" }, asset: (f: string) => `/assets/${f}` });
      }
      ctx.status = status;
    }
  };
}
