import { Op, literal, type Transaction } from "sequelize";
import { Content } from "../models/content.ts";
import { Notification, NotificationActor } from "../models/notification.ts";
import type { User } from "../models/user.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { JobHandler } from "../jobs/worker.ts";
import { enqueueJobs, type JobRequest } from "../jobs/queue.ts";
import { activeType, fanoutJob, type FanoutPayload } from "./requests.ts";
import { activeRecipients, audienceIds, readersOf, subjectTextOf, withinLevel } from "./audience.ts";
import { channelsFor, mailSettingsFor, type Channels } from "./settings.ts";
import { quietUntil } from "./clock.ts";
import { mailJob } from "./mail-jobs.ts";
import type { RegisteredNotificationType } from "./types.ts";

/** Recipients are written in slices, so an announcement to the whole company never holds thousands of rows at once. */
const sliceSize = 500;

export interface FanoutServices {
  registry: ModuleRegistry;
  /** Told who has new notifications, once the transaction is committed (the bell's live count). */
  onNotified(userIds: number[]): void;
}

interface Delivery {
  user: User;
  channels: Channels;
}

/**
 * Folds the event into each recipient's unread, not yet mailed notification of the same group: a new
 * actor moves it up and counts once; the same actor again changes nothing.
 */
async function foldIntoExisting(payload: FanoutPayload, subjectText: string | null, deliveries: Delivery[], transaction: Transaction) {
  const userIds = deliveries.map((delivery) => delivery.user.id);
  const existing = await Notification.findAll({ where: { groupKey: payload.groupKey, userId: { [Op.in]: userIds }, readAt: null, emailedAt: null }, order: [["id", "ASC"]], transaction });
  const current = new Map(existing.map((row) => [row.userId, row]));
  const known = payload.actorId && existing.length
    ? new Set((await NotificationActor.findAll({ where: { notificationId: { [Op.in]: existing.map((row) => row.id) }, userId: payload.actorId }, transaction })).map((row) => row.notificationId))
    : new Set<number>();
  const bumped = existing.filter((row) => !known.has(row.id)).map((row) => row.id);
  if (bumped.length) {
    const changes = { actorId: payload.actorId, sortAt: new Date(), actorCount: literal("actor_count + 1") as never, subjectText, url: payload.url };
    await Notification.update(changes, { where: { id: { [Op.in]: bumped } }, transaction });
  }
  // The web channel was off when it was written (mailed only), and is on now.
  const relisted = deliveries.map((d) => (d.channels.web ? current.get(d.user.id) : undefined)).filter((row) => row && !row.isListed).map((row) => row!.id);
  if (relisted.length) await Notification.update({ isListed: true }, { where: { id: { [Op.in]: relisted } }, transaction });
  return { current, known };
}

async function insertFresh(payload: FanoutPayload, type: RegisteredNotificationType, subjectText: string | null, fresh: Delivery[], transaction: Transaction): Promise<Notification[]> {
  if (fresh.length === 0) return [];
  const sortAt = new Date();
  const rows = fresh.map(({ user, channels }) => ({
    userId: user.id,
    type: type.id,
    groupKey: payload.groupKey,
    messageKey: payload.message,
    actorId: payload.actorId,
    contentId: payload.contentId,
    containerType: payload.container?.type ?? null,
    containerId: payload.container?.id ?? null,
    url: payload.url,
    subjectText,
    isListed: channels.web,
    sortAt,
  }));
  await Notification.bulkCreate(rows, { transaction });
  // Read back for the ids: SQLite's bulk insert does not return them.
  return Notification.findAll({ where: { groupKey: payload.groupKey, userId: { [Op.in]: fresh.map((d) => d.user.id) }, readAt: null, emailedAt: null }, attributes: ["id", "userId"], transaction });
}

/**
 * Writes one event's notifications, grouped, and queues immediate mails. Runs in the transaction that
 * completes the job, so a retried job never writes twice.
 */
async function deliver(payload: FanoutPayload, type: RegisteredNotificationType, subjectText: string | null, deliveries: Delivery[], transaction: Transaction): Promise<void> {
  const { current, known } = await foldIntoExisting(payload, subjectText, deliveries, transaction);
  const created = await insertFresh(payload, type, subjectText, deliveries.filter((d) => !current.has(d.user.id)), transaction);
  for (const row of created) current.set(row.userId, row);
  if (payload.actorId) {
    const rows = [...current.values()].filter((row) => !known.has(row.id)).map((row) => ({ notificationId: row.id, userId: payload.actorId! }));
    await NotificationActor.bulkCreate(rows, { ignoreDuplicates: true, transaction });
  }
  await queueMails(deliveries.filter((d) => d.channels.email), current, new Date(), transaction);
}

/** Immediate mail for those who want it now; quiet hours push it to their end. Digests pick up the rest later. */
async function queueMails(deliveries: Delivery[], notifications: Map<number, Notification>, now: Date, transaction: Transaction) {
  const settings = await mailSettingsFor(deliveries.map((d) => d.user.id), transaction);
  const jobs: JobRequest[] = [];
  for (const { user } of deliveries) {
    const mail = settings.get(user.id)!;
    const notification = notifications.get(user.id);
    if (mail.emailFrequency !== "immediate" || !notification) continue;
    jobs.push(mailJob(notification.id, quietUntil(now, mail.quiet) ?? now));
  }
  await enqueueJobs(jobs, transaction);
}

/** One slice of recipients: policy, container level, then each person's channels for the type. */
async function sliceDeliveries(services: FanoutServices, payload: FanoutPayload, type: RegisteredNotificationType, content: Content | null, ids: number[]): Promise<Delivery[]> {
  const users = await activeRecipients(ids, payload.actorId);
  const readers = await readersOf(services.registry, content, users);
  const reached = await withinLevel(services.registry, payload.container, type.level ?? "activity", readers);
  const channels = await channelsFor(reached.map((user) => user.id), type);
  return reached.map((user) => ({ user, channels: channels.get(user.id)! })).filter((d) => d.channels.web || d.channels.email);
}

/** Who gets this event and on which channels; reads only, before the write transaction. */
async function plan(services: FanoutServices, payload: FanoutPayload) {
  const type = activeType(services.registry, payload.type);
  if (!type) return null;
  const content = payload.contentId ? await Content.findByPk(payload.contentId) : null;
  // Deleted or hidden since the event: nobody is told about it any more.
  if (payload.contentId && (!content || !content.isLive)) return null;
  const ids = [...new Set([...payload.recipientIds, ...(payload.audience ? await audienceIds(services.registry, payload.audience) : [])])];
  const slices: Delivery[][] = [];
  for (let start = 0; start < ids.length; start += sliceSize) {
    const deliveries = await sliceDeliveries(services, payload, type, content, ids.slice(start, start + sliceSize));
    if (deliveries.length) slices.push(deliveries);
  }
  return { type, content, slices, subjectText: payload.title ?? (await subjectTextOf(content)) };
}

export function fanoutHandler(services: FanoutServices): JobHandler {
  return {
    kind: fanoutJob,
    async run(data, { finish }) {
      const payload = data as FanoutPayload;
      const planned = await plan(services, payload);
      if (!planned) return;
      await finish(async (transaction) => {
        for (const deliveries of planned.slices) await deliver(payload, planned.type, planned.subjectText, deliveries, transaction);
      });
      const notified = planned.slices.flat().filter((d) => d.channels.web).map((d) => d.user.id);
      if (notified.length) services.onNotified(notified);
    },
  };
}
