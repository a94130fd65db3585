import cluster from "node:cluster";
import { Redis } from "ioredis";
import type { Logger } from "pino";

/** What one process tells the open pages of every process. Ids only: each process reads what its viewers may see. */
export type LiveEvent =
  | { kind: "notifications"; userIds: number[] }
  | { kind: "content"; streamKey: string; contentId: number; authorId: number; type: string }
  /** A module's own event for the pages watching a container (host.live.publish): the same data for every reader. */
  | { kind: "module"; moduleId: string; name: string; streamKey: string; data: unknown }
  /** A module's audiences (host.live.serve) are to be asked again now whether they may still listen (a link revoked). */
  | { kind: "audiences"; moduleId: string };

export type LiveListener = (event: LiveEvent) => void;

export interface LiveBus {
  publish(event: LiveEvent): Promise<void>;
  subscribe(listener: LiveListener): void;
  close(): Promise<void>;
}

/** One process: events go straight to this process's listeners. */
export function memoryBus(): LiveBus {
  const listeners = new Set<LiveListener>();
  return {
    async publish(event) {
      for (const listener of listeners) listener(event);
    },
    subscribe: (listener) => void listeners.add(listener),
    async close() {
      listeners.clear();
    },
  };
}

const subscribeWaitMs = 5000;

/**
 * Several processes: events go through Redis pub/sub on "<prefix>live", and every process (this one too)
 * hears them from there. Redis being down costs live updates only: publishing logs and moves on.
 */
export async function redisBus(url: string, prefix: string, logger: Logger): Promise<LiveBus> {
  const channel = `${prefix}live`;
  const publisher = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
  const subscriber = new Redis(url, { lazyConnect: false });
  const listeners = new Set<LiveListener>();
  for (const connection of [publisher, subscriber]) connection.on("error", (err) => logger.warn({ err }, "live updates: Redis connection error"));
  subscriber.on("message", (from: string, message: string) => {
    if (from !== channel) return;
    let event: LiveEvent;
    try {
      event = JSON.parse(message) as LiveEvent;
    } catch {
      return;
    }
    for (const listener of listeners) listener(event);
  });
  const subscribed = subscriber.subscribe(channel).then(() => true);
  const waited = await Promise.race([subscribed.catch(() => false), new Promise<false>((resolve) => setTimeout(() => resolve(false), subscribeWaitMs).unref())]);
  if (!waited) logger.warn({ channel }, "live updates: not yet subscribed to Redis; pages of other processes may miss events until it is");
  return {
    async publish(event) {
      try {
        await publisher.publish(channel, JSON.stringify(event));
      } catch (err) {
        logger.warn({ err }, "live updates: could not publish to Redis");
      }
    },
    subscribe: (listener) => void listeners.add(listener),
    async close() {
      listeners.clear();
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}

/** Worker ↔ primary messages that carry a live event (AGORA_WORKERS without Redis). */
interface ClusterLiveMessage {
  agoraLive: LiveEvent;
}

const isClusterLiveMessage = (message: unknown): message is ClusterLiveMessage =>
  typeof message === "object" && message !== null && "agoraLive" in message;

/** A worker of AGORA_WORKERS without Redis: events go to the primary, which sends them to every worker (this one too). */
export function clusterBus(): LiveBus {
  const listeners = new Set<LiveListener>();
  const onMessage = (message: unknown) => {
    if (!isClusterLiveMessage(message)) return;
    for (const listener of listeners) listener(message.agoraLive);
  };
  process.on("message", onMessage);
  return {
    async publish(event) {
      // The primary gone (the server is stopping) costs live updates only.
      if (process.connected) process.send!({ agoraLive: event } satisfies ClusterLiveMessage);
    },
    subscribe: (listener) => void listeners.add(listener),
    async close() {
      listeners.clear();
      process.off("message", onMessage);
    },
  };
}

/** In the primary: every live event a worker publishes goes to all workers. */
export function relayLiveEventsBetweenWorkers() {
  cluster.on("message", (_from, message: unknown) => {
    if (!isClusterLiveMessage(message)) return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker?.isConnected()) worker.send(message);
    }
  });
}
