import cluster from "node:cluster";
import { RateLimiterCluster, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Redis } from "ioredis";
import type { Config } from "../../config/index.ts";

export interface LoginLimiter {
  /** Seconds to wait before another attempt is allowed, or 0. */
  retryAfter(account: string, ip: string): Promise<number>;
  recordFailure(account: string, ip: string): Promise<void>;
  recordSuccess(account: string): Promise<void>;
}

/**
 * Failed logins are counted per account (stops guessing one password) and per IP (stops spraying many
 * accounts). In memory for one process; in Redis when several processes share the load; without Redis,
 * the workers of AGORA_WORKERS count in their primary (core/cluster/supervisor.ts).
 */
// How long a worker waits for its primary's answer before the attempt fails (a 500, not a free pass).
const clusterTimeoutMs = 5_000;

let boundLimiter: LoginLimiter | null = null;

/** Hands the app's limiter to modules (host.loginLimiter): it is made with the app, after the modules' hosts. */
export function bindLoginLimiter(limiter: LoginLimiter) {
  boundLimiter = limiter;
}

/**
 * host.loginLimiter: the app's limiter (the same limits and store: Redis when configured), its keys prefixed
 * with the module's id so a module's failed sign-ins are counted apart from the sign-in form's.
 */
export function moduleLoginLimiter(moduleId: string): LoginLimiter {
  const limiter = () => {
    if (!boundLimiter) throw new Error("the sign-in limiter is only there in a running server");
    return boundLimiter;
  };
  const key = (value: string) => `${moduleId}:${value}`;
  return {
    retryAfter: (account, ip) => limiter().retryAfter(key(account), key(ip)),
    recordFailure: (account, ip) => limiter().recordFailure(key(account), key(ip)),
    recordSuccess: (account) => limiter().recordSuccess(key(account)),
  };
}

export function createLoginLimiter(config: Config, redis: Redis | null): LoginLimiter {
  const duration = config.loginLockMinutes * 60;
  const make = (keyPrefix: string, points: number): RateLimiterAbstract => {
    // Under AGORA_REDIS_PREFIX, like the live updates: sites sharing one Redis keep their counts apart.
    if (redis) return new RateLimiterRedis({ storeClient: redis, keyPrefix: `${config.redisPrefix}${keyPrefix}`, points, duration });
    if (cluster.isWorker) return new RateLimiterCluster({ keyPrefix, points, duration, timeoutMs: clusterTimeoutMs });
    return new RateLimiterMemory({ keyPrefix, points, duration });
  };
  const perAccount = make("login_account", config.loginAttemptsPerAccount);
  const perIp = make("login_ip", config.loginAttemptsPerIp);
  const remaining = async (limiter: RateLimiterAbstract, key: string, points: number) => {
    const state = await limiter.get(key);
    return state && state.consumedPoints >= points ? Math.ceil(state.msBeforeNext / 1000) : 0;
  };
  const consume = (limiter: RateLimiterAbstract, key: string) =>
    limiter.consume(key).catch((result: unknown) => {
      if (!(result instanceof RateLimiterRes)) throw result;
    });
  return {
    async retryAfter(account, ip) {
      return Math.max(await remaining(perAccount, account, config.loginAttemptsPerAccount), await remaining(perIp, ip, config.loginAttemptsPerIp));
    },
    async recordFailure(account, ip) {
      await consume(perAccount, account);
      await consume(perIp, ip);
    },
    async recordSuccess(account) {
      await perAccount.delete(account);
    },
  };
}
