import { PassThrough } from "node:stream";
import type { TFunction } from "i18next";
import type { Logger } from "pino";
import type { LiveBus, LiveEvent } from "./bus.ts";

/** One open page listening for updates (an EventSource). */
interface Connection {
  userId: number;
  t: TFunction;
  /** Stream keys of the viewer's dashboard, when the page is the dashboard: new posts there are counted. */
  streamKeys: Set<string> | null;
  newPosts: number;
  stream: PassThrough;
  /** False once the HTTP server stops listening: the stream ends so a graceful shutdown is not held up. */
  isServerListening(): boolean;
}

export interface LiveHubOptions {
  /** The bell's number for a person (capped), read when a notification event concerns them. */
  unreadCount(userId: number): Promise<number>;
  heartbeatMs?: number;
}

export const unreadLabel = (count: number) => (count > 99 ? "99+" : String(count));

/**
 * Server-Sent Events for this process's open pages: the unread count when someone's notifications change,
 * and "N new posts" when a post lands in a container of their dashboard. Events arrive through the bus,
 * so with Redis a post made on another process reaches pages held here.
 */
export class LiveHub {
  private connections = new Set<Connection>();
  private ticks = 0;
  private timer: NodeJS.Timeout;

  constructor(
    private bus: LiveBus,
    private logger: Logger,
    private options: LiveHubOptions,
  ) {
    bus.subscribe((event) => void this.dispatch(event).catch((err) => this.logger.warn({ err }, "live update failed")));
    const heartbeatTicks = Math.max(1, Math.round((options.heartbeatMs ?? 25_000) / 1000));
    this.timer = setInterval(() => this.tick(heartbeatTicks), 1000);
    this.timer.unref();
  }

  get size() {
    return this.connections.size;
  }

  publish(event: LiveEvent): Promise<void> {
    return this.bus.publish(event);
  }

  /** Opens a stream for a signed-in viewer, starting with their unread count; it ends when the client goes. */
  async open(viewer: { userId: number; t: TFunction; streamKeys: string[] | null; isServerListening(): boolean }, onClose: (handler: () => void) => void): Promise<PassThrough> {
    const stream = new PassThrough();
    const connection: Connection = { ...viewer, streamKeys: viewer.streamKeys ? new Set(viewer.streamKeys) : null, newPosts: 0, stream };
    this.connections.add(connection);
    const close = () => {
      this.connections.delete(connection);
      if (!stream.writableEnded) stream.end();
    };
    onClose(close);
    stream.on("close", close);
    // A lost connection is retried by the browser after 5 s.
    stream.write("retry: 5000\n\n");
    this.send(connection, "unread", { count: await this.options.unreadCount(viewer.userId) });
    return stream;
  }

  private send(connection: Connection, event: "unread" | "posts", data: { count: number }) {
    // The viewer may have left while the count was read: a write after end would be an unhandled stream error.
    if (connection.stream.writableEnded) return;
    const payload = event === "unread" ? { ...data, label: unreadLabel(data.count) } : { ...data, text: connection.t("notifications:live.newPosts", { count: data.count }) };
    connection.stream.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  private async dispatch(event: LiveEvent) {
    if (event.kind === "notifications") {
      const wanted = new Set(event.userIds);
      const counts = new Map<number, Promise<number>>();
      for (const connection of this.connections) {
        if (!wanted.has(connection.userId)) continue;
        if (!counts.has(connection.userId)) counts.set(connection.userId, this.options.unreadCount(connection.userId));
        this.send(connection, "unread", { count: await counts.get(connection.userId)! });
      }
      return;
    }
    // Posts only, as the dashboard's own "new posts" count; the author's own post is not news to them.
    if (event.type !== "post") return;
    for (const connection of this.connections) {
      if (!connection.streamKeys?.has(event.streamKey) || connection.userId === event.authorId) continue;
      connection.newPosts += 1;
      this.send(connection, "posts", { count: connection.newPosts });
    }
  }

  private tick(heartbeatTicks: number) {
    this.ticks += 1;
    for (const connection of this.connections) {
      if (!connection.isServerListening()) connection.stream.end();
      else if (this.ticks % heartbeatTicks === 0) connection.stream.write(": keep-alive\n\n");
    }
  }

  /** Ends every open stream and leaves the bus. */
  async close() {
    clearInterval(this.timer);
    for (const connection of this.connections) connection.stream.end();
    this.connections.clear();
    await this.bus.close();
  }
}
