import type { Logger } from "pino";
import type { Config } from "../../config/index.ts";
import { unreadCount } from "../notifications/unread.ts";
import cluster from "node:cluster";
import { clusterBus, memoryBus, redisBus } from "./bus.ts";
import { LiveHub } from "./hub.ts";

/** The live-update hub of this process: over Redis pub/sub when AGORA_REDIS_URL is set, else through the primary for a worker of AGORA_WORKERS, else in memory. */
export async function createLiveHub(config: Config, logger: Logger): Promise<LiveHub> {
  const bus = config.redisUrl ? await redisBus(config.redisUrl, config.redisPrefix, logger) : cluster.isWorker ? clusterBus() : memoryBus();
  return new LiveHub(bus, logger, { unreadCount });
}
