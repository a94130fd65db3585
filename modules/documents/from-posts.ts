import { QueryTypes } from "sequelize";
import { Content, type AppContext, type Host } from "../../core/sdk/index.ts";

export interface PostFile {
  id: number;
  name: string;
  mime: string;
  size: number;
  url: string;
  thumbnailUrl: string | null;
  contentId: number;
  createdAt: Date;
}

/**
 * One page of the files attached to posts (and their comments) in the request's container, newest first:
 * read from core's attachments with their contents, then only those whose content the viewer may read now
 * (deleted, hidden or moderated ones stay out). Served by core's own file route, which checks again.
 */
export async function filesFromPosts(host: Host, ctx: AppContext, before: number | null, limit = 50): Promise<{ files: PostFile[]; next: number | null }> {
  const container = ctx.state.container!;
  const rows = await host.sequelize.query<{ id: number; original_name: string; mime: string; size: number | string; content_id: number; created_at: string | Date; has_thumbnail: boolean | number }>(
    `SELECT a.id, a.original_name, a.mime, a.size, a.content_id, a.created_at, CASE WHEN a.thumbnail_key IS NULL THEN 0 ELSE 1 END AS has_thumbnail
     FROM attachments a JOIN contents c ON c.id = a.content_id
     WHERE c.container_type = :type AND c.container_id = :id AND c.deleted_at IS NULL AND c.hidden_at IS NULL ${before ? "AND a.id < :before" : ""}
     ORDER BY a.id DESC LIMIT :limit`,
    { replacements: { type: container.type, id: container.id, before: before ?? 0, limit: limit + 1 }, type: QueryTypes.SELECT },
  );
  const page = rows.slice(0, limit);
  const contents = await Content.findAll({ where: { id: [...new Set(page.map((row) => Number(row.content_id)))] } });
  const readable = new Set((await host.policyOf(ctx).filterReadable(contents)).map((content) => content.id));
  const files = page
    .filter((row) => readable.has(Number(row.content_id)))
    .map((row) => ({
      id: Number(row.id),
      name: row.original_name,
      mime: row.mime,
      size: Number(row.size),
      url: `/files/${row.id}/${row.original_name === "thumb" ? "file" : encodeURIComponent(row.original_name)}`,
      thumbnailUrl: Number(row.has_thumbnail) ? `/files/${row.id}/thumb` : null,
      contentId: Number(row.content_id),
      createdAt: new Date(row.created_at),
    }));
  return { files, next: rows.length > limit ? Number(page.at(-1)!.id) : null };
}
