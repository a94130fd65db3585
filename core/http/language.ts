import type { Middleware } from "koa";
import type { i18n } from "i18next";
import type { SettingsStore } from "../settings.ts";
import { pickLanguage, translatorFor } from "../views/i18n.ts";
import type { AppContextExtras, AppState } from "./context.ts";

/** Picks the request's language and binds the translation function every template and route uses. */
export function language(i18next: i18n, settings: SettingsStore): Middleware<AppState, AppContextExtras> {
  return async (ctx, next) => {
    const { defaultLanguage } = await settings.get();
    ctx.state.lang = pickLanguage(ctx.state.user?.language, ctx.get("accept-language"), defaultLanguage);
    ctx.state.t = translatorFor(i18next, ctx.state.lang);
    ctx.set("Content-Language", ctx.state.lang);
    await next();
  };
}
