import type { Transaction } from "sequelize";
import type { AppServices } from "../services.ts";
import { Job } from "../jobs/job.ts";
import { enqueueJob } from "../jobs/queue.ts";
import type { JobHandler } from "../jobs/worker.ts";
import { composeKeyedMail, type KeyedMail } from "./keyed.ts";

export const keyedMailJobKind = "mail.keyed";

/**
 * Queues a mail, in the caller's transaction when given: it goes out only if the write that causes it
 * commits, and never on the request path (a slow or down SMTP server does not slow the page).
 */
export function enqueueMail(mail: KeyedMail, options: { transaction?: Transaction; key?: string } = {}): Promise<void> {
  return enqueueJob(keyedMailJobKind, mail, { transaction: options.transaction, key: options.key });
}

/**
 * Writes and sends a queued mail. Its link may carry a secret (an invitation token): once sent, the
 * payload keeps the recipient and the keys only, so the jobs table does not hold usable links.
 */
export function keyedMailHandler(services: Pick<AppServices, "templates" | "i18n" | "settings" | "config" | "mailer">): JobHandler {
  return {
    kind: keyedMailJobKind,
    async run(payload, { job, finish }) {
      const mail = payload as KeyedMail;
      await services.mailer.send(await composeKeyedMail(services, mail));
      await finish((transaction) => Job.update({ payload: JSON.stringify({ to: mail.to, keys: mail.keys, sent: true }) }, { where: { id: job.id }, transaction }));
    },
  };
}
