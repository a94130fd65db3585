import type { Logger } from "pino";
import { Op } from "sequelize";
import type { Config } from "../../config/index.ts";
import { User } from "../models/user.ts";
import { unreadCount } from "../notifications/unread.ts";
import cluster from "node:cluster";
import { clusterBus, memoryBus, redisBus } from "./bus.ts";
import { LiveHub } from "./hub.ts";

/** users.subscriptions_version of the active accounts among these ids, in one query. */
async function subscriptionsVersions(userIds: number[]): Promise<Map<number, number>> {
  if (userIds.length === 0) return new Map();
  const users = await User.findAll({ where: { id: { [Op.in]: userIds }, status: "active" }, attributes: ["id", "subscriptionsVersion"] });
  return new Map(users.map((user) => [user.id, user.subscriptionsVersion]));
}

/** The live-update hub of this process: over Redis pub/sub when AGORA_REDIS_URL is set, else through the primary for a worker of AGORA_WORKERS, else in memory. */
export async function createLiveHub(config: Config, logger: Logger): Promise<LiveHub> {
  const bus = config.redisUrl ? await redisBus(config.redisUrl, config.redisPrefix, logger) : cluster.isWorker ? clusterBus() : memoryBus();
  return new LiveHub(bus, logger, { unreadCount, subscriptionsVersions });
}
