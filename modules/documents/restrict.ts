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
 * folder restricted or moved, a document moved, trashed or restored): versions of documents out of the trash
 * are searchable (is_live), and in_restricted marks those in folders for moderators only, which search shows
 * to the space's moderators alone (search-visibility.ts). Statements touching only rows that change.
 */
export async function syncSearchVisibility(host: Host, container: Pick<Container, "type" | "id">, transaction?: Transaction) {
  const restricted = [...(await restrictedFolderIds(host, container, transaction))];
  // IS NOT NULL: for a file at the top (no folder) IN gives NULL, and NOT (NULL) would never set it back to "no".
  const inRestricted = restricted.length ? "(d.folder_id IS NOT NULL AND d.folder_id IN (:restricted))" : "1 = 0";
  const replacements = { type: container.type, id: container.id, restricted, yes: true, no: false };
  const documents = "SELECT d.id FROM documents d WHERE d.container_type = :type AND d.container_id = :id";
  const set = async (column: string, value: "yes" | "no", where: string) =>
    host.sequelize.query(`UPDATE documents_versions SET ${column} = :${value} WHERE ${column} = :${value === "yes" ? "no" : "yes"} AND document_id IN (${documents} AND (${where}))`, { replacements, transaction });
  await set("is_live", "no", "d.deleted_at IS NOT NULL");
  await set("is_live", "yes", "d.deleted_at IS NULL");
  await set("in_restricted", "yes", inRestricted);
  await set("in_restricted", "no", `NOT (${inRestricted})`);
}
