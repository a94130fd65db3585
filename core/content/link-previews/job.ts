import { createHash } from "node:crypto";
import type { InferCreationAttributes, Sequelize } from "sequelize";
import { z } from "zod";
import type { JobHandler } from "../../jobs/worker.ts";
import { LinkPreview } from "../../models/link-preview.ts";
import type { SettingsStore } from "../../settings.ts";
import { parseHostList } from "./addresses.ts";
import { fetchPreview } from "./fetch-preview.ts";
import { FetchRefused } from "./safe-fetch.ts";
import { linkPreviewJob } from "./record.ts";
import { urlHashOf } from "./links.ts";

const payloadSchema = z.object({ url: z.string().max(2000) });
const fetchTimeoutMs = 5000;

/**
 * Fetches a link's preview in background work and stores it for every content that links it (their
 * render version moves, so cached entries show the card). A link that cannot be had is stored as failed
 * (no card); a network hiccup is tried once more.
 */
export function linkPreviewHandler(services: { sequelize: Sequelize; settings: SettingsStore }): JobHandler {
  return {
    kind: linkPreviewJob,
    async run(payload, context) {
      const parsed = payloadSchema.safeParse(payload);
      if (!parsed.success) return;
      const { url } = parsed.data;
      const settings = await services.settings.get();
      if (!settings.linkPreviews) return;
      const urlHash = urlHashOf(url);
      const fetchedAt = new Date();
      let row: InferCreationAttributes<LinkPreview>;
      try {
        const preview = await fetchPreview(url, { allowedHosts: parseHostList(settings.linkPreviewHosts), timeoutMs: fetchTimeoutMs });
        const imageHash = preview.image ? createHash("sha256").update(preview.image).digest("hex").slice(0, 16) : null;
        const hasCard = Boolean(preview.title || preview.description);
        row = { urlHash, url, finalUrl: preview.url, status: hasCard ? "ready" : "failed", title: preview.title, description: preview.description, siteName: preview.siteName, image: hasCard ? preview.image : null, imageHash: hasCard ? imageHash : null, fetchedAt };
      } catch (error) {
        if (!(error instanceof FetchRefused) || error.reason === "network" || error.reason === "timeout") {
          if (context.job.attempts < context.job.maxAttempts) throw error;
        }
        row = { urlHash, url, finalUrl: null, status: "failed", title: null, description: null, siteName: null, image: null, imageHash: null, fetchedAt };
      }
      await context.finish(async (transaction) => {
        await LinkPreview.upsert(row, { transaction });
        await services.sequelize.query("UPDATE contents SET render_version = render_version + 1 WHERE id IN (SELECT content_id FROM content_link_previews WHERE url_hash = :urlHash)", { replacements: { urlHash }, transaction });
      });
    },
  };
}
