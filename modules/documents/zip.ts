import { PassThrough } from "node:stream";
import { QueryTypes } from "sequelize";
import yazl from "yazl";
import type { AppContext, Host } from "../../core/sdk/index.ts";
import type { Folder } from "./models.ts";

/**
 * A folder (or the whole space) as a ZIP, streamed as it is made: its live documents' current versions under
 * their folders' names. Only what the reader may open goes in: live documents of this container in this
 * folder's tree (never trashed ones, never another container's, never those under a folder hidden from
 * the reader: `hidden`, the restricted folders for a reader who is not a moderator). The right to view was checked.
 */
export async function zipFolder(ctx: AppContext, host: Host, folder: Folder | null, hidden: Set<number>) {
  const container = ctx.state.container!;
  const folders = await host.sequelize.query<{ id: number; parent_id: number | null; name: string }>(
    "SELECT id, parent_id, name FROM documents_folders WHERE container_type = :type AND container_id = :id",
    { replacements: { type: container.type, id: container.id }, type: QueryTypes.SELECT },
  );
  const byId = new Map(folders.map((row) => [Number(row.id), row]));
  // The path of each folder under the one zipped ("" for the zipped folder itself); null when outside it.
  const relative = new Map<number | null, string | null>([[folder?.id ?? null, ""]]);
  const pathOf = (id: number | null, seen = new Set<number>()): string | null => {
    if (relative.has(id)) return relative.get(id)!;
    if (id === null || seen.has(id) || hidden.has(id)) return null;
    seen.add(id);
    const row = byId.get(id);
    const parent = row ? pathOf(row.parent_id === null ? null : Number(row.parent_id), seen) : null;
    const path = row && parent !== null ? `${parent}${row.name}/` : null;
    relative.set(id, path);
    return path;
  };
  const documents = await host.sequelize.query<{ name: string; folder_id: number | null; file_id: number; created_at: string | Date }>(
    `SELECT d.name, d.folder_id, v.file_id, v.created_at FROM documents d JOIN documents_versions v ON v.id = d.current_version_id
     WHERE d.container_type = :type AND d.container_id = :id AND d.deleted_at IS NULL ORDER BY d.id`,
    { replacements: { type: container.type, id: container.id }, type: QueryTypes.SELECT },
  );
  const zip = new yazl.ZipFile();
  for (const document of documents) {
    const under = pathOf(document.folder_id === null ? null : Number(document.folder_id));
    if (under === null) continue;
    zip.addReadStreamLazy(`${under}${document.name}`, { mtime: new Date(document.created_at), compress: false }, (callback) => {
      void host.files.open(Number(document.file_id)).then((stream) => callback(null, stream ?? emptyStream()));
    });
  }
  zip.end();
  const name = `${folder?.name ?? ctx.state.t("documents:title")}.zip`;
  ctx.set("Content-Type", "application/zip");
  ctx.set("Content-Disposition", `attachment; filename="download.zip"; filename*=UTF-8''${encodeURIComponent(name)}`);
  ctx.set("X-Content-Type-Options", "nosniff");
  ctx.body = zip.outputStream.pipe(new PassThrough());
}

function emptyStream() {
  const stream = new PassThrough();
  stream.end();
  return stream;
}
