import Router from "@koa/router";
import type { AppContextExtras, AppState } from "../http/context.ts";
import { startEventStream } from "./event-stream.ts";
import type { AppServices } from "../services.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import { User } from "../models/user.ts";
import { dashboardKeys } from "../content/dashboard.ts";
import type { DashboardKeys, WatchedContainers } from "./hub.ts";
import { ContentPolicy } from "../policies/content.ts";

/** The viewer's dashboard containers as they are now (read again when their memberships or follows move). */
async function currentDashboardKeys(registry: ModuleRegistry, userId: number): Promise<DashboardKeys> {
  const user = await User.findByPk(userId);
  if (!user?.isActive) return { keys: [], version: user?.subscriptionsVersion };
  return { keys: await dashboardKeys(registry, user), version: user.subscriptionsVersion };
}

// ?watch=group:12,company:0: the containers a page shows, for modules' live events (at most five).
const watchPattern = /^[a-z][a-z0-9-]{0,31}:\d{1,10}$/;
const maxWatched = 5;

/** The watched containers the viewer may read; the others are dropped silently (their existence is nobody's business). */
async function watchedContainers(registry: ModuleRegistry, user: User, value: unknown): Promise<WatchedContainers | null> {
  if (typeof value !== "string" || value === "") return null;
  const requested = [...new Set(value.split(","))].slice(0, maxWatched).filter((key) => watchPattern.test(key));
  const mayRead = async (streamKey: string) => {
    const fresh = await User.findByPk(user.id);
    if (!fresh?.isActive) return false;
    const [type, id] = streamKey.split(":");
    return new ContentPolicy(registry, fresh).canReadContainer(type, Number(id));
  };
  const policy = new ContentPolicy(registry, user);
  const keys = [];
  for (const key of requested) {
    const [type, id] = key.split(":");
    if (await policy.canReadContainer(type, Number(id))) keys.push(key);
  }
  return { keys, version: user.subscriptionsVersion, mayRead };
}

/**
 * GET /live/events: a Server-Sent Events stream for the signed-in viewer (the bell's count; with
 * ?stream=dashboard, "N new posts" too; with ?watch=, modules' events for those containers). Anonymous
 * visitors get 204, which tells EventSource to stop.
 */
export function liveRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  router.get("/live/events", async (ctx) => {
    const user = ctx.state.user;
    if (!user) {
      ctx.status = 204;
      return;
    }
    const dashboard =
      ctx.query.stream === "dashboard"
        ? { keys: { keys: await dashboardKeys(services.registry, user), version: user.subscriptionsVersion }, reload: () => currentDashboardKeys(services.registry, user.id) }
        : null;
    const watch = await watchedContainers(services.registry, user, ctx.query.watch);
    const isServerListening = startEventStream(ctx);
    ctx.body = await services.live.open(
      { userId: user.id, t: ctx.state.t, dashboard, watch, isServerListening },
      (close) => ctx.req.once("close", close),
    );
  });
  return router;
}
