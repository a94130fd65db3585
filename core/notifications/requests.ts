import type { Transaction } from "sequelize";
import type { ModuleRegistry } from "../modules/registry.ts";
import { enqueueJobs, type JobRequest } from "../jobs/queue.ts";
import type { NotifyRequest, RegisteredNotificationType } from "./types.ts";

export const fanoutJob = "notifications.fanout";

/** A notification request as stored in the queue: ids only, resolved again when the job runs. */
export interface FanoutPayload {
  type: string;
  recipientIds: number[];
  /** Everyone who may read this container instead of a list (announcements, @everyone). */
  audience: { type: string; id: number } | null;
  actorId: number | null;
  contentId: number | null;
  container: { type: string; id: number } | null;
  url: string;
  title: string | null;
  groupKey: string;
  message: string | null;
}

/** A type whose module is on; a switched-off module's notifications are not delivered. */
export function activeType(registry: ModuleRegistry, id: string): RegisteredNotificationType | null {
  const type = registry.notificationTypes.get(id);
  return type && (type.moduleId === "core" || registry.isEnabled(type.moduleId)) ? type : null;
}

/** Local paths only: a notification never links elsewhere. */
function localPath(url: string): string {
  if (!/^\/(?![/\\])/.test(url) || url.length > 500) throw new Error(`notification url must be a local path: ${url}`);
  return url;
}

export function fanoutPayload(request: NotifyRequest & { audience?: FanoutPayload["audience"] }): FanoutPayload {
  const { content, container, url, title } = request.subject;
  const containerRef = container ? { type: container.type, id: container.id } : content ? { type: content.containerType, id: content.containerId } : null;
  return {
    type: request.type,
    recipientIds: [...new Set(request.recipients)].filter((id) => Number.isInteger(id)),
    audience: request.audience ?? null,
    actorId: request.actor?.id ?? null,
    contentId: content?.id ?? null,
    container: containerRef,
    url: localPath(url),
    title: title ?? null,
    groupKey: `${request.type}|${(request.groupKey ?? (content ? `content:${content.id}` : url)).slice(0, 150)}`,
    message: request.message ?? null,
  };
}

/**
 * Queues notifications for delivery off the request path: the job filters recipients through the policy
 * layer, the container levels and each person's settings, then writes, groups, mails and pushes.
 * A module may only send its own types.
 */
export async function requestNotifications(registry: ModuleRegistry, moduleId: string, requests: (NotifyRequest & { audience?: FanoutPayload["audience"] })[], transaction?: Transaction): Promise<void> {
  const jobs: JobRequest[] = [];
  for (const request of requests) {
    const type = registry.notificationTypes.get(request.type);
    if (!type || (type.moduleId !== moduleId && moduleId !== "core")) throw new Error(`module "${moduleId}" cannot send notifications of type "${request.type}"`);
    const payload = fanoutPayload(request);
    if (payload.recipientIds.length === 0 && !payload.audience) continue;
    jobs.push({ kind: fanoutJob, payload });
  }
  await enqueueJobs(jobs, transaction);
}
