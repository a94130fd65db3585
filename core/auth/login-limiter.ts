import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
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
 * accounts). In memory for one process; in Redis when several processes share the load.
 */
export function createLoginLimiter(config: Config, redis: Redis | null): LoginLimiter {
  const duration = config.loginLockMinutes * 60;
  const make = (keyPrefix: string, points: number): RateLimiterAbstract =>
    redis ? new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration }) : new RateLimiterMemory({ keyPrefix, points, duration });
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
