import type { AppContext } from "../http/context.ts";

interface ListeningServer {
  listening: boolean;
}

/**
 * Readies the answer for a Server-Sent Events stream (headers, a socket that does not time out); returns
 * whether the HTTP server still listens (the stream ends when it stops, so a shutdown is not held up).
 */
export function startEventStream(ctx: AppContext): () => boolean {
  const socket = ctx.req.socket;
  const server = (socket as unknown as { server?: ListeningServer }).server;
  socket.setTimeout(0);
  socket.setNoDelay(true);
  socket.setKeepAlive(true);
  // Connection: close frees the socket as soon as the stream ends (on shutdown, say), instead of idling in keep-alive.
  ctx.set({ "Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no", Connection: "close" });
  ctx.type = "text/event-stream";
  ctx.status = 200;
  return () => server?.listening !== false;
}
