import type { Logger } from "pino";
import type { Config } from "../../config/index.ts";
import { unreadCount } from "../notifications/unread.ts";
import { memoryBus, redisBus } from "./bus.ts";
import { LiveHub } from "./hub.ts";

/** The live-update hub of this process: in memory, or over Redis pub/sub when AGORA_REDIS_URL is set. */
export async function createLiveHub(config: Config, logger: Logger): Promise<LiveHub> {
  const bus = config.redisUrl ? await redisBus(config.redisUrl, config.redisPrefix, logger) : memoryBus();
  return new LiveHub(bus, logger, { unreadCount });
}
