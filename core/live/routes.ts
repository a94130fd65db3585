import Router from "@koa/router";
import type { AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { dashboardKeys } from "../content/dashboard.ts";

interface ListeningServer {
  listening: boolean;
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
    const streamKeys = ctx.query.stream === "dashboard" ? await dashboardKeys(services.registry, user) : null;
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
      { userId: user.id, t: ctx.state.t, streamKeys, isServerListening: () => server?.listening !== false },
      (close) => ctx.req.once("close", close),
    );
  });
  return router;
}
