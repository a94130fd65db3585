import type { Transaction } from "sequelize";
import { ContentLinkPreview, LinkPreview } from "../../models/link-preview.ts";
import { enqueueJob } from "../../jobs/queue.ts";
import { linkAloneOnLine, urlHashOf } from "./links.ts";

export const linkPreviewJob = "link-preview.fetch";
/** A URL's preview is fetched again when a content links it after this long. */
export const refreshAfterMs = 7 * 24 * 3600_000;

/**
 * Follows a content's text, inside its write's transaction: the card of the link alone on a line (the
 * same link keeps its card, removed or not), none when there is none; and a fetch of that link in
 * background work when it was never fetched or is stale (one job a link a day, whoever posts it). Recorded
 * whether previews are on or not: the job and the card check the site's setting.
 */
export async function recordLinkPreview(transaction: Transaction, contentId: number, text: string | null | undefined, isNew = false): Promise<void> {
  const url = linkAloneOnLine(text);
  // A new content has no card yet: without a link there is nothing to read or remove.
  if (isNew && !url) return;
  const current = isNew ? null : await ContentLinkPreview.findByPk(contentId, { transaction });
  if (!url) {
    await current?.destroy({ transaction });
    return;
  }
  const urlHash = urlHashOf(url);
  if (current?.urlHash !== urlHash) {
    await current?.destroy({ transaction });
    await ContentLinkPreview.create({ contentId, urlHash, url }, { transaction });
  }
  const fetched = await LinkPreview.findByPk(urlHash, { attributes: ["urlHash", "status", "fetchedAt"], transaction });
  if (fetched && fetched.status === "ready" && Date.now() - fetched.fetchedAt.getTime() < refreshAfterMs) return;
  const day = new Date().toISOString().slice(0, 10);
  await enqueueJob(linkPreviewJob, { url }, { key: `${linkPreviewJob}:${urlHash}:${day}`, maxAttempts: 2, transaction });
}
