import Router from "@koa/router";
import type { AppContextExtras, AppState } from "../../http/context.ts";
import type { AppServices } from "../../services.ts";

// Placeholder while this admin page is being written.
export function overviewRoutes(_services: AppServices) {
  return new Router<AppState, AppContextExtras>();
}
