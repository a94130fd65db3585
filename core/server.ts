import cluster from "node:cluster";
import type { Server } from "node:http";
import type { Logger } from "pino";
import { baseUrlWarning, ConfigError, loadConfig, localBaseUrl, type Config } from "../config/index.ts";
import { createApp, createLogger } from "./app.ts";
import { deleteExpiredSessions } from "./auth/session-store.ts";
import { superviseWorkers } from "./cluster/supervisor.ts";

const shutdownGraceMs = 10_000;

/** Starts Agora: validate config, migrate, listen; on SIGTERM/SIGINT finish in-flight requests and close. */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  // Node maps every stack trace through the TypeScript source maps when this is on, and the database
  // layer takes a stack trace per query: on by request only (AGORA_SOURCE_MAPS).
  process.setSourceMapsEnabled(config.sourceMaps);
  if (config.workers > 1 && cluster.isPrimary) return runPrimary(config, createLogger(config));
  const logger = cluster.isWorker ? createLogger(config).child({ worker: cluster.worker!.id }) : createLogger(config);
  const app = await createApp(config, logger);
  const server: Server = app.koa.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    followListeningPort(config, port);
    if (cluster.isWorker) return logger.info({ port }, "worker listening");
    logger.info({ port, baseUrl: config.baseUrl }, `Agora is listening on http://localhost:${port}`);
    warnAboutBaseUrl(config, logger);
  });
  server.keepAliveTimeout = 5_000;
  const sweep = setInterval(() => deleteExpiredSessions().catch((err) => logger.warn({ err }, "session sweep failed")), 3600_000);
  sweep.unref();

  let isStopping = false;
  const stop = (signal: string) => {
    if (isStopping) {
      // A second signal (Ctrl-C twice): stop waiting for slow requests.
      logger.warn({ signal }, "second signal: closing remaining connections now");
      server.closeAllConnections();
      return;
    }
    isStopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    clearInterval(sweep);
    const force = setTimeout(() => {
      logger.warn("shutdown grace period over; closing remaining connections");
      server.closeAllConnections();
    }, shutdownGraceMs);
    force.unref();
    server.close(async () => {
      try {
        await app.close();
        logger.info("stopped");
        process.exit(0);
      } catch (error) {
        logger.error({ err: error }, "error while closing the database");
        process.exit(1);
      }
    });
    server.closeIdleConnections();
  };
  // While stopping, a finished response frees its keep-alive connection at once, not after keepAliveTimeout.
  server.on("request", (_request, response) => {
    response.once("finish", () => isStopping && setImmediate(() => server.closeIdleConnections()));
  });
  process.on("SIGTERM", () => stop("SIGTERM"));
  if (cluster.isWorker) {
    // Ctrl-C reaches every process of the group: a worker waits for its primary's SIGTERM instead, and
    // stops on its own if the primary is gone.
    process.on("SIGINT", () => undefined);
    process.on("disconnect", () => stop("disconnect"));
  } else {
    process.on("SIGINT", () => stop("SIGINT"));
  }
}

/** On AGORA_PORT=0 the port is known only once listening: a base URL that follows the port follows that one. */
function followListeningPort(config: Config, port: number) {
  if (config.isBaseUrlFromPort && config.port === 0) config.baseUrl = localBaseUrl(port);
}

/** Said once at start (by the primary when there are workers): e-mailed links that open only on this machine. */
function warnAboutBaseUrl(config: Config, logger: Logger) {
  const warning = baseUrlWarning(config);
  if (warning) logger.warn({ baseUrl: config.baseUrl }, warning);
}

/** AGORA_WORKERS > 1: runs the workers (core/cluster/supervisor.ts) and stops them on SIGTERM/SIGINT. */
async function runPrimary(config: Config, logger: Logger) {
  const supervisor = await superviseWorkers(config, logger, (code) => process.exit(code));
  followListeningPort(config, supervisor.port);
  logger.info({ port: supervisor.port, workers: config.workers, baseUrl: config.baseUrl }, `Agora is listening on http://localhost:${supervisor.port}`);
  warnAboutBaseUrl(config, logger);
  let stopping: Promise<void> | null = null;
  const stop = (signal: string) => {
    if (stopping) {
      // A second signal: the workers get theirs and close their remaining connections at once.
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
      return;
    }
    logger.info({ signal }, "shutting down: the workers finish their requests");
    stopping = supervisor.stop().then(() => {
      logger.info("stopped");
      process.exit(0);
    });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
