import type { Server } from "node:http";
import { ConfigError, loadConfig } from "../config/index.ts";
import { createApp, createLogger } from "./app.ts";
import { deleteExpiredSessions } from "./auth/session-store.ts";

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
  const logger = createLogger(config);
  const app = await createApp(config, logger);
  const server: Server = app.koa.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    logger.info({ port, baseUrl: config.baseUrl }, `Agora is listening on http://localhost:${port}`);
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
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
