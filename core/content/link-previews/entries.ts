import { QueryTypes } from "sequelize";
import { Content } from "../../models/content.ts";
import type { ContentPolicy } from "../../policies/content.ts";
import type { StreamEntry } from "../../modules/types.ts";

/** A link's card as an entry shows it; everything in it is text the page escapes. */
export interface LinkPreviewView {
  url: string;
  host: string;
  title: string | null;
  description: string | null;
  siteName: string | null;
  /** The picture, served by core only to readers of the content (core/routes/link-previews.ts). */
  imageUrl: string | null;
  /** Whether the viewer may remove the card (its author, or whoever may edit the content). */
  canRemove: boolean;
}

declare module "../../modules/types.ts" {
  interface StreamEntryExtras {
    /** The card of the link alone on a line in the content's text, once fetched (none when removed or unreadable). */
    linkPreview?: LinkPreviewView | null;
  }
}

interface Row {
  content_id: number;
  url: string;
  title: string | null;
  description: string | null;
  site_name: string | null;
  image_hash: string | null;
}

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
};

/** Adds the cards of a page of (already readable) entries, in one query. */
export async function addLinkPreviews(entries: StreamEntry[], _policy: ContentPolicy): Promise<void> {
  if (entries.length === 0) return;
  const rows = await Content.sequelize!.query<Row>(
    `SELECT c.content_id, c.url, p.title, p.description, p.site_name, p.image_hash
       FROM content_link_previews c JOIN link_previews p ON p.url_hash = c.url_hash
      WHERE c.content_id IN (:ids) AND c.hidden = :visible AND p.status = 'ready'`,
    { replacements: { ids: [...new Set(entries.map((entry) => entry.content.id))], visible: false }, type: QueryTypes.SELECT },
  );
  const byContent = new Map(rows.map((row) => [Number(row.content_id), row]));
  for (const entry of entries) {
    const row = byContent.get(entry.content.id);
    entry.linkPreview = row
      ? {
          url: row.url,
          host: hostOf(row.url),
          title: row.title,
          description: row.description,
          siteName: row.site_name,
          imageUrl: row.image_hash ? `/c/${entry.content.id}/link-preview/${row.image_hash}.webp` : null,
          canRemove: entry.can.edit,
        }
      : null;
  }
}
