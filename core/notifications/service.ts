import { Op } from "sequelize";
import { Notification } from "../models/notification.ts";
import type { AppServices } from "../services.ts";
import { JobWorker } from "../jobs/worker.ts";
import { fanoutHandler } from "./fanout.ts";
import { digestHandler, mailHandler, scheduleDigests } from "./mail-jobs.ts";
import { listenToCoreEvents } from "./listeners.ts";

/** Read notifications older than this are deleted, a slice a day. */
const keepReadMs = 180 * 24 * 3600 * 1000;

async function purgeOldNotifications() {
  const old = await Notification.findAll({ where: { readAt: { [Op.ne]: null }, sortAt: { [Op.lt]: new Date(Date.now() - keepReadMs) } }, attributes: ["id"], limit: 10_000 });
  if (old.length) await Notification.destroy({ where: { id: { [Op.in]: old.map((row) => row.id) } } });
}

/**
 * Notifications for this process: core events become notification jobs, and the job worker (one per
 * process, started here, stopped by app.close) fans them out, mails them and sends the digests.
 */
export function startNotifications(services: AppServices): JobWorker {
  const { config } = services;
  const worker = new JobWorker(services.sequelize, services.logger.child({ component: "jobs" }), { pollMs: config.jobsPollMs, retryMs: config.jobsRetryMs, leaseMs: config.jobsLeaseMs });
  worker.register(fanoutHandler({ registry: services.registry, onNotified: (userIds) => void services.live.publish({ kind: "notifications", userIds }) }));
  worker.register(mailHandler(services));
  worker.register(digestHandler(services));
  worker.every("notifications.digests", 0, () => scheduleDigests());
  worker.every("notifications.purge", 24 * 3600_000, purgeOldNotifications);
  listenToCoreEvents(services.registry, services.live);
  worker.start();
  return worker;
}
