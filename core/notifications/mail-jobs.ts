import { Op } from "sequelize";
import type { Mailer } from "../mail/mailer.ts";
import { Notification } from "../models/notification.ts";
import { NotificationSetting } from "../models/notification-settings.ts";
import { User } from "../models/user.ts";
import { enqueueJob, type JobRequest } from "../jobs/queue.ts";
import type { JobHandler } from "../jobs/worker.ts";
import { presentNotifications } from "./presenter.ts";
import { composeDigestMail, composeNotificationMail, mailLanguage, type MailServices } from "./mail.ts";
import { channelsFor, mailSettingsOfUser, preferencesOf } from "./settings.ts";
import { nextDigestAt, quietUntil, serverTimeZone } from "./clock.ts";
import { activeType } from "./requests.ts";

export const mailJobKind = "notifications.mail";
export const digestJobKind = "notifications.digest";
/** A digest lists this many notifications at most; the rest wait on the notifications page. */
const digestSize = 50;

export type NotificationMailServices = MailServices & { mailer: Mailer };

/** The queued mail of one notification; its key makes it one mail however often it is asked for. */
export function mailJob(notificationId: number, runAt: Date): JobRequest {
  return { kind: mailJobKind, payload: { notificationId }, key: `mail:notification:${notificationId}`, runAt };
}

async function linesFor(services: MailServices, user: User, rows: Notification[]) {
  const t = services.i18n.getFixedT(await mailLanguage(services, user));
  return (await presentNotifications(services.registry, user, rows, t)).filter((line) => line.url !== null);
}

/**
 * Sends one notification by mail, deciding again when it runs: nothing if it was read meanwhile, the
 * person turned this e-mail off, chose digests, or may no longer read the item; later during quiet hours.
 * The notification is marked mailed first, so later events start a new one instead of changing this mail.
 */
export function mailHandler(services: NotificationMailServices): JobHandler {
  return {
    kind: mailJobKind,
    async run(payload, { job }) {
      const notification = await Notification.findByPk((payload as { notificationId: number }).notificationId);
      const user = notification ? await User.findByPk(notification.userId) : null;
      const type = notification ? activeType(services.registry, notification.type) : null;
      if (!notification || !user?.isActive || !type) return;
      const settings = await mailSettingsOfUser(user.id);
      if (settings.emailFrequency !== "immediate") return;
      const later = quietUntil(new Date(), settings.quiet);
      if (later) return { postponeUntil: later };
      const isWanted = !notification.readAt && (await channelsFor([user.id], type)).get(user.id)!.email;
      await Notification.update({ emailedAt: new Date() }, { where: { id: notification.id, emailedAt: null } });
      if (!isWanted) return;
      const [line] = await linesFor(services, user, [notification]);
      if (!line) return;
      await services.mailer.send(await composeNotificationMail(services, user, line, `notification-${notification.id}.job-${job.id}`));
    },
  };
}

/**
 * One digest: the person's unread, not yet mailed notifications of the types they get by e-mail. They
 * are marked with this job first, so a retry sends the same ones and no later digest repeats them.
 */
export function digestHandler(services: NotificationMailServices): JobHandler {
  return {
    kind: digestJobKind,
    async run(payload, { job }) {
      const user = await User.findByPk((payload as { userId: number }).userId);
      const settings = user ? await NotificationSetting.findByPk(user.id) : null;
      if (!user?.isActive || !settings || (settings.emailFrequency !== "daily" && settings.emailFrequency !== "weekly")) return;
      let rows = await Notification.findAll({ where: { digestJobId: job.id }, order: [["sortAt", "DESC"], ["id", "DESC"]] });
      if (rows.length === 0) {
        const types = services.registry.notificationTypes.all().filter((type) => activeType(services.registry, type.id));
        const preferences = await preferencesOf(user.id, types);
        const mailed = types.filter((type) => preferences.get(type.id)!.email).map((type) => type.id);
        if (mailed.length === 0) return;
        const candidates = await Notification.findAll({
          where: { userId: user.id, readAt: null, emailedAt: null, type: { [Op.in]: mailed } },
          order: [["sortAt", "DESC"], ["id", "DESC"]],
          limit: digestSize,
          attributes: ["id"],
        });
        if (candidates.length === 0) return;
        await Notification.update({ emailedAt: new Date(), digestJobId: job.id }, { where: { id: { [Op.in]: candidates.map((row) => row.id) }, emailedAt: null } });
        rows = await Notification.findAll({ where: { digestJobId: job.id }, order: [["sortAt", "DESC"], ["id", "DESC"]] });
      }
      const lines = await linesFor(services, user, rows);
      if (lines.length === 0) return;
      await services.mailer.send(await composeDigestMail(services, user, lines, settings.emailFrequency, `digest-${job.id}`));
    },
  };
}

/**
 * Queues the digests that are due and moves each person's next date on. Every process runs it; the job
 * key (person + due time) and the conditional update keep one digest per period.
 */
export async function scheduleDigests(now = new Date()): Promise<void> {
  const due = await NotificationSetting.findAll({ where: { nextDigestAt: { [Op.lte]: now } }, limit: 200 });
  for (const settings of due) {
    const frequency = settings.emailFrequency;
    const dueAt = settings.nextDigestAt!;
    if (frequency === "daily" || frequency === "weekly") {
      await enqueueJob(digestJobKind, { userId: settings.userId }, { key: `digest:${settings.userId}:${dueAt.toISOString()}` });
    }
    const quiet = { start: settings.quietStart, end: settings.quietEnd, timeZone: settings.timeZone ?? serverTimeZone };
    const next = frequency === "daily" || frequency === "weekly" ? nextDigestAt(frequency, now, quiet, settings.digestHour) : null;
    await NotificationSetting.update({ nextDigestAt: next }, { where: { userId: settings.userId, nextDigestAt: dueAt } });
  }
}
