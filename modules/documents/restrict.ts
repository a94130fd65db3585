import { QueryTypes, type Transaction } from "sequelize";
import type { Container, Host } from "../../core/sdk/index.ts";

/**
 * The folders of a space open only to its moderators: each folder marked so and every folder under one.
 * One query over the space's folders (a space has hundreds at most; documents are not read).
 */
export async function restrictedFolderIds(host: Host, container: Pick<Container, "type" | "id">, transaction?: Transaction): Promise<Set<number>> {
  const folders = await host.sequelize.query<{ id: number; parent_id: number | null; is_restricted: boolean | number }>(
    "SELECT id, parent_id, is_restricted FROM documents_folders WHERE container_type = :type AND container_id = :id",
    { replacements: { type: container.type, id: container.id }, type: QueryTypes.SELECT, transaction },
  );
  const byId = new Map(folders.map((folder) => [Number(folder.id), folder]));
  const restricted = new Set<number>();
  for (const folder of folders) {
    const seen = new Set<number>();
    for (let at: (typeof folders)[number] | undefined = folder; at && !seen.has(Number(at.id)); at = at.parent_id === null ? undefined : byId.get(Number(at.parent_id))) {
      seen.add(Number(at.id));
      if (at.is_restricted) {
        restricted.add(Number(folder.id));
        break;
      }
    }
  }
  return restricted;
}

/**
 * What search may show of a space, set again after a change that moves documents in or out of sight (a
 * folder restricted or moved, a document moved, trashed or restored): versions of live documents outside
 * restricted folders are searchable, the others not. Two statements touching only rows that change.
 */
export async function syncSearchVisibility(host: Host, container: Pick<Container, "type" | "id">, transaction?: Transaction) {
  const restricted = [...(await restrictedFolderIds(host, container, transaction))];
  const hidden = `d.deleted_at IS NOT NULL${restricted.length ? " OR d.folder_id IN (:restricted)" : ""}`;
  const replacements = { type: container.type, id: container.id, restricted, yes: true, no: false };
  const documents = "SELECT d.id FROM documents d WHERE d.container_type = :type AND d.container_id = :id";
  await host.sequelize.query(`UPDATE documents_versions SET is_live = :no WHERE is_live = :yes AND document_id IN (${documents} AND (${hidden}))`, { replacements, transaction });
  await host.sequelize.query(`UPDATE documents_versions SET is_live = :yes WHERE is_live = :no AND document_id IN (${documents} AND NOT (${hidden}))`, { replacements, transaction });
}
