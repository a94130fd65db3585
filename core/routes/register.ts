import Router from "@koa/router";
import type { AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";

// Placeholder while these pages are being written.
export function registerRoutes(_services: AppServices) {
  return new Router<AppState, AppContextExtras>();
}
