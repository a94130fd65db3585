import { PassThrough } from "node:stream";
import type { TFunction } from "i18next";
import type { Logger } from "pino";
import type { LiveBus, LiveEvent } from "./bus.ts";

/** The containers of a viewer's dashboard, and the users.subscriptions_version they were read at. */
export interface DashboardKeys {
  keys: string[];
  version: number | undefined;
}

/** One open page listening for updates (an EventSource). */
interface Connection {
  userId: number;
  t: TFunction;
  /** Stream keys of the viewer's dashboard, when the page is the dashboard: new contents there are counted. */
  streamKeys: Set<string> | null;
  /** The version the keys were read at: once the database's moves (a membership removed, left, joined), they are read again. */
  keysVersion: number | undefined;
  /** Reads the viewer's dashboard keys again, as they are now. */
  reloadKeys: (() => Promise<DashboardKeys>) | null;
  newPosts: number;
  /** Containers the page shows ("group:12"), whose module events it hears; only ones the viewer may read. */
  watched: Set<string>;
  /** The version `watched` was checked at, and how to check a container again once it moves. */
  watchVersion: number | undefined;
  mayRead: ((streamKey: string) => Promise<boolean>) | null;
  stream: PassThrough;
  /** False once the HTTP server stops listening: the stream ends so a graceful shutdown is not held up. */
  isServerListening(): boolean;
}

export interface LiveHubOptions {
  /** The bell's number for a person (capped), read when a notification event concerns them. */
  unreadCount(userId: number): Promise<number>;
  /** users.subscriptions_version of these people (one query); an account gone or inactive is left out. */
  subscriptionsVersions(userIds: number[]): Promise<Map<number, number>>;
  heartbeatMs?: number;
}

/** The containers a page watches for module events, checked readable when it opened. */
export interface WatchedContainers {
  keys: string[];
  /** users.subscriptions_version when they were checked. */
  version: number | undefined;
  /** Whether the viewer may read this container now (asked again once the version moves). */
  mayRead(streamKey: string): Promise<boolean>;
}

/**
 * An open stream a module serves to an audience it authorises itself (host.live.serve: an office screen's
 * display link, say): no viewer, only the module's own events for the containers it names.
 */
interface AudienceConnection {
  moduleId: string;
  watched: Set<string>;
  /** Whether the audience may still listen: asked before each event and every `recheckMs`; false ends the stream. */
  allowed(): Promise<boolean>;
  recheckMs: number;
  checkedAt: number;
  stream: PassThrough;
  isServerListening(): boolean;
}

export const unreadLabel = (count: number) => (count > 99 ? "99+" : String(count));

/**
 * Server-Sent Events for this process's open pages: the unread count when someone's notifications change,
 * and "N new posts" when a content of any type lands in a container of their dashboard. Events arrive through the bus,
 * so with Redis a post made on another process reaches pages held here.
 */
export class LiveHub {
  private connections = new Set<Connection>();
  private audiences = new Set<AudienceConnection>();
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
    return this.connections.size + this.audiences.size;
  }

  publish(event: LiveEvent): Promise<void> {
    return this.bus.publish(event);
  }

  /**
   * Opens a stream for a signed-in viewer, starting with their unread count; it ends when the client goes.
   * A dashboard page gives its keys and how to read them again.
   */
  async open(
    viewer: {
      userId: number;
      t: TFunction;
      dashboard: { keys: DashboardKeys; reload(): Promise<DashboardKeys> } | null;
      watch?: WatchedContainers | null;
      isServerListening(): boolean;
    },
    onClose: (handler: () => void) => void,
  ): Promise<PassThrough> {
    const stream = new PassThrough();
    const { dashboard, watch, ...rest } = viewer;
    const connection: Connection = {
      ...rest,
      streamKeys: dashboard ? new Set(dashboard.keys.keys) : null,
      keysVersion: dashboard?.keys.version,
      reloadKeys: dashboard ? () => dashboard.reload() : null,
      newPosts: 0,
      watched: new Set(watch?.keys ?? []),
      watchVersion: watch?.version,
      mayRead: watch ? (streamKey) => watch.mayRead(streamKey) : null,
      stream,
    };
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

  /**
   * Opens a stream for an audience a module authorises itself: it hears that module's events for the
   * watched containers only, while `allowed()` holds (asked before each event and every `recheckMs`).
   */
  openAudience(
    audience: { moduleId: string; watched: string[]; allowed(): Promise<boolean>; recheckMs: number; isServerListening(): boolean },
    onClose: (handler: () => void) => void,
  ): PassThrough {
    const stream = new PassThrough();
    const connection: AudienceConnection = { ...audience, watched: new Set(audience.watched), checkedAt: Date.now(), stream };
    this.audiences.add(connection);
    const close = () => {
      this.audiences.delete(connection);
      if (!stream.writableEnded) stream.end();
    };
    onClose(close);
    stream.on("close", close);
    stream.write("retry: 5000\n\n");
    return stream;
  }

  /** Asks an audience whether it may still listen; ends its stream when not (or when the question fails). */
  private async stillAllowed(connection: AudienceConnection): Promise<boolean> {
    connection.checkedAt = Date.now();
    const allowed = await connection.allowed().catch((err) => {
      this.logger.warn({ err }, "live updates: an audience's check failed");
      return false;
    });
    if (!allowed) {
      this.audiences.delete(connection);
      if (!connection.stream.writableEnded) connection.stream.end();
    }
    return allowed;
  }

  private send(connection: Connection, event: "unread" | "posts", data: { count: number }) {
    // The viewer may have left while the count was read: a write after end would be an unhandled stream error.
    if (connection.stream.writableEnded) return;
    const payload = event === "unread" ? { ...data, label: unreadLabel(data.count) } : { ...data, text: connection.t("notifications:live.newPosts", { count: data.count }) };
    connection.stream.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  private async dispatch(event: LiveEvent) {
    if (event.kind === "module") return this.dispatchModuleEvent(event);
    if (event.kind === "audiences") {
      await Promise.all([...this.audiences].filter((audience) => audience.moduleId === event.moduleId).map((audience) => this.stillAllowed(audience)));
      return;
    }
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
    // Any type the dashboard streams counts (a module's content as much as a post); the author's own is not news to them.
    const concerned = [...this.connections].filter((connection) => connection.streamKeys?.has(event.streamKey) && connection.userId !== event.authorId);
    if (concerned.length === 0) return;
    await this.reloadStaleKeys(concerned);
    for (const connection of concerned) {
      if (!connection.streamKeys?.has(event.streamKey) || !this.connections.has(connection)) continue;
      connection.newPosts += 1;
      this.send(connection, "posts", { count: connection.newPosts });
    }
  }

  /** A module's event, to the pages watching its container whose viewer may still read it. */
  private async dispatchModuleEvent(event: Extract<LiveEvent, { kind: "module" }>) {
    const message = `event: module\ndata: ${JSON.stringify({ module: event.moduleId, name: event.name, container: event.streamKey, data: event.data })}\n\n`;
    const audiences = [...this.audiences].filter((audience) => audience.moduleId === event.moduleId && audience.watched.has(event.streamKey));
    await Promise.all(
      audiences.map(async (audience) => {
        if ((await this.stillAllowed(audience)) && !audience.stream.writableEnded) audience.stream.write(message);
      }),
    );
    const concerned = [...this.connections].filter((connection) => connection.watched.has(event.streamKey));
    if (concerned.length === 0) return;
    await this.recheckWatched(concerned);
    for (const connection of concerned) {
      if (!connection.watched.has(event.streamKey) || connection.stream.writableEnded) continue;
      connection.stream.write(message);
    }
  }

  /**
   * Checks again the watched containers of the connections whose viewer's memberships moved since they
   * were checked (removed, left): one query for the versions, then one check per container concerned.
   */
  private async recheckWatched(connections: Connection[]) {
    const versions = await this.options.subscriptionsVersions([...new Set(connections.map((connection) => connection.userId))]);
    for (const connection of connections) {
      const version = versions.get(connection.userId);
      if (version !== undefined && version === connection.watchVersion) continue;
      connection.watchVersion = version;
      for (const streamKey of [...connection.watched]) {
        if (version === undefined || !connection.mayRead || !(await connection.mayRead(streamKey))) connection.watched.delete(streamKey);
      }
    }
  }

  /**
   * Reads the dashboard keys again of the connections whose viewer's subscriptions moved since (removed
   * from a group, left it, stopped following): one query for the versions, then one reload per viewer
   * concerned. The version lives in the database, so a change made by any process is seen here.
   */
  private async reloadStaleKeys(connections: Connection[]) {
    const versions = await this.options.subscriptionsVersions([...new Set(connections.map((connection) => connection.userId))]);
    const reloads = new Map<number, Promise<DashboardKeys>>();
    for (const connection of connections) {
      const version = versions.get(connection.userId);
      if (version !== undefined && version === connection.keysVersion) continue;
      if (version === undefined || !connection.reloadKeys) {
        // The account is gone or inactive: it hears of nothing more.
        connection.streamKeys = new Set();
        continue;
      }
      if (!reloads.has(connection.userId)) reloads.set(connection.userId, connection.reloadKeys());
      const fresh = await reloads.get(connection.userId)!;
      connection.streamKeys = new Set(fresh.keys);
      connection.keysVersion = fresh.version;
    }
  }

  private tick(heartbeatTicks: number) {
    this.ticks += 1;
    for (const connection of this.connections) {
      if (!connection.isServerListening()) connection.stream.end();
      else if (this.ticks % heartbeatTicks === 0) connection.stream.write(": keep-alive\n\n");
    }
    const now = Date.now();
    for (const audience of this.audiences) {
      if (!audience.isServerListening()) audience.stream.end();
      else if (now - audience.checkedAt >= audience.recheckMs) void this.stillAllowed(audience);
      else if (this.ticks % heartbeatTicks === 0) audience.stream.write(": keep-alive\n\n");
    }
  }

  /** Ends every open stream and leaves the bus. */
  async close() {
    clearInterval(this.timer);
    for (const connection of [...this.connections, ...this.audiences]) connection.stream.end();
    this.connections.clear();
    this.audiences.clear();
    await this.bus.close();
  }
}
