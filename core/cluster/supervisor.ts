import cluster, { type Worker } from "node:cluster";
import type { Logger } from "pino";
import { RateLimiterClusterMaster } from "rate-limiter-flexible";
import type { Config } from "../../config/index.ts";
import { relayLiveEventsBetweenWorkers } from "../live/bus.ts";

const restartDelayMs = 1_000;
// More deaths than this within the window is a crash loop: stop instead of restarting forever.
const crashLoopWindowMs = 60_000;
const crashLoopDeaths = 5;

export interface Supervisor {
  /** The port the workers share, once every worker listens. */
  port: number;
  /** Stops every worker (SIGTERM: each finishes its requests) and resolves when all have exited. */
  stop(): Promise<void>;
}

/**
 * AGORA_WORKERS > 1: this process serves nothing itself; it runs the workers, which share the port
 * (the primary hands connections to them in turn). The first worker starts alone and the others only
 * once it listens, so pending migrations and the first-run setup run once. Without Redis, the primary
 * also relays live updates between workers and keeps the login counters for all of them. A worker that
 * dies is replaced, unless they keep dying (then everything stops, exit code 1).
 */
export async function superviseWorkers(config: Config, logger: Logger, onFatal: (code: number) => void): Promise<Supervisor> {
  if (!config.redisUrl) {
    new RateLimiterClusterMaster();
    relayLiveEventsBetweenWorkers();
  }
  let isStopping = false;
  // Until every first worker listens, a death is a failed start (its reason is in the log), not a crash to repair.
  let isStartingUp = true;
  const deaths: number[] = [];

  const start = () =>
    new Promise<{ worker: Worker; port: number }>((resolve, reject) => {
      const worker = cluster.fork();
      worker.once("listening", (address) => resolve({ worker, port: address.port }));
      worker.once("exit", (code, signal) => {
        reject(new Error(`worker ${worker.id} exited before it listened (code ${code ?? signal})`));
        if (!isStopping && !isStartingUp) onDeath(worker, code, signal);
      });
    });

  function onDeath(worker: Worker, code: number | null, signal: string | null) {
    const now = Date.now();
    deaths.push(now);
    while (deaths.length > 0 && now - deaths[0] > crashLoopWindowMs) deaths.shift();
    if (deaths.length > crashLoopDeaths) {
      logger.fatal({ worker: worker.id, code, signal }, "workers keep dying: stopping");
      void supervisor.stop().then(() => onFatal(1));
      return;
    }
    logger.error({ worker: worker.id, code, signal }, "worker died: starting another");
    setTimeout(() => {
      if (!isStopping) start().catch((error: unknown) => logger.error({ err: error }, "replacement worker failed"));
    }, restartDelayMs).unref();
  }

  const supervisor: Supervisor = {
    port: 0,
    async stop() {
      isStopping = true;
      const running = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => Boolean(worker && !worker.isDead()));
      await Promise.all(
        running.map(
          (worker) =>
            new Promise<void>((resolve) => {
              worker.once("exit", () => resolve());
              worker.process.kill("SIGTERM");
            }),
        ),
      );
    },
  };

  // A first worker that cannot start (bad database URL, failed migration) stops everything with its reason in the log.
  try {
    supervisor.port = (await start()).port;
    await Promise.all(Array.from({ length: config.workers - 1 }, start));
  } catch (error) {
    await supervisor.stop();
    throw error;
  }
  isStartingUp = false;
  return supervisor;
}
