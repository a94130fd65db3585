import Router from "@koa/router";
import type { AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import { User } from "../models/user.ts";
import { dashboardKeys } from "../content/dashboard.ts";
import type { DashboardKeys } from "./hub.ts";

interface ListeningServer {
  listening: boolean;
}

/** The viewer's dashboard containers as they are now (read again when their memberships or follows move). */
async function currentDashboardKeys(registry: ModuleRegistry, userId: number): Promise<DashboardKeys> {
  const user = await User.findByPk(userId);
  if (!user?.isActive) return { keys: [], version: user?.subscriptionsVersion };
  return { keys: await dashboardKeys(registry, user), version: user.subscriptionsVersion };
}

/**
 * GET /live/events: a Server-Sent Events stream for the signed-in viewer (the bell's count; with
 * ?stream=dashboard, "N new posts" too). Anonymous visitors get 204, which tells EventSource to stop.
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
    const socket = ctx.req.socket;
    const server = (socket as unknown as { server?: ListeningServer }).server;
    socket.setTimeout(0);
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    // Connection: close frees the socket as soon as the stream ends (on shutdown, say), instead of idling in keep-alive.
    ctx.set({ "Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no", Connection: "close" });
    ctx.type = "text/event-stream";
    ctx.status = 200;
    ctx.body = await services.live.open(
      { userId: user.id, t: ctx.state.t, dashboard, isServerListening: () => server?.listening !== false },
      (close) => ctx.req.once("close", close),
    );
  });
  return router;
}
