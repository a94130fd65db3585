import { QueryTypes, type Transaction } from "sequelize";
import type { ContentPolicy, ContentTypeDefinition, Host } from "../../core/sdk/index.ts";
import { permissions } from "./access.ts";
import { Batch } from "./models.ts";
import { restrictedFolderIds } from "./restrict.ts";
import { batchType } from "./store.ts";
import { searchVisibility, streamVisibility } from "./search-visibility.ts";
import { documentItems } from "./search-items.ts";

/**
 * What one upload's stream entry shows: the documents it brought that are still live and that the reader may
 * open. An upload none of whose live files the reader may open (no right to view, or every file now in a folder
 * for moderators only) is no entry for them at all, as files they cannot see are not listed in SharePoint:
 * no item, so the stream, the dashboard and its page (/c/<id>, 404) leave it out; shownTo keeps it out of
 * "N new posts". One with no live file left says its files are gone, to everyone.
 */
async function loadBatches(host: Host, refIds: number[], policy: ContentPolicy): Promise<Map<number, unknown>> {
  const rows = await host.sequelize.query<{ batch_id: number; container_type: string; container_id: number; document_id: number; folder_id: number | null; name: string; is_first: number | string }>(
    `SELECT v.batch_id, d.container_type, d.container_id, d.id AS document_id, d.folder_id, d.name,
       CASE WHEN v.id = (SELECT MIN(f.id) FROM documents_versions f WHERE f.document_id = d.id) THEN 1 ELSE 0 END AS is_first
     FROM documents_versions v JOIN documents d ON d.id = v.document_id JOIN documents_batches b ON b.id = v.batch_id
     WHERE v.batch_id IN (:refIds) AND d.deleted_at IS NULL AND d.container_type = b.container_type AND d.container_id = b.container_id ORDER BY v.id`,
    { replacements: { refIds }, type: QueryTypes.SELECT },
  );
  // The right to view, and the folders hidden from the reader, once per container of the page.
  const viewing = new Map<string, boolean>();
  const hidden = new Map<string, Set<number>>();
  for (const row of rows) {
    const key = `${row.container_type}:${row.container_id}`;
    if (viewing.has(key)) continue;
    const container = { type: row.container_type, id: Number(row.container_id), slug: "", name: "" };
    viewing.set(key, await host.can(policy.user, permissions.view, container));
    hidden.set(key, (await host.can(policy.user, permissions.deleteOthers, container)) ? new Set() : await restrictedFolderIds(host, container));
  }
  const notes = await host.sequelize.query<{ id: number; note_html: string }>("SELECT id, note_html FROM documents_batches WHERE id IN (:refIds)", { replacements: { refIds }, type: QueryTypes.SELECT });
  const noteOf = new Map(notes.map((row) => [Number(row.id), row.note_html]));
  const items = new Map<number, { files: { id: number; name: string; isNewVersion: boolean }[]; noteHtml: string }>(
    refIds.map((id) => [id, { files: [], noteHtml: noteOf.get(id) ?? "" }]),
  );
  const withHidden = new Set<number>();
  for (const row of rows) {
    const item = items.get(Number(row.batch_id))!;
    const key = `${row.container_type}:${row.container_id}`;
    if (!viewing.get(key) || (row.folder_id !== null && hidden.get(key)!.has(Number(row.folder_id)))) withHidden.add(Number(row.batch_id));
    else item.files.push({ id: Number(row.document_id), name: row.name, isNewVersion: Number(row.is_first) !== 1 });
  }
  for (const id of withHidden) if (items.get(id)!.files.length === 0) items.delete(id);
  return items;
}

/** One upload form's stream entry: comments, reactions, mentions (in its note) and notifications as for any content. */
export function batchContentType(host: Host): ContentTypeDefinition {
  return {
    type: batchType,
    template: "documents/entry.njk",
    createPermission: permissions.upload,
    // The upload is found by its message (and its comments); each file is its own result, by its name and its
    // text (extracted in background work), also when the upload made no stream entry (search-items.ts).
    search: {
      label: "documents:search.tab",
      table: "documents_batches",
      title: "NULL",
      body: "r.note",
      columns: ["note"],
      items: documentItems(host),
      // Found only by who may view the space's documents (and open the folder of each file).
      visibleTo: (policy, prefix) => searchVisibility(host, policy, prefix),
    },
    load: (refIds, policy) => loadBatches(host, refIds, policy),
    shownTo: (user, alias) => streamVisibility(host, user, alias),
    purge: async (refIds, { transaction }: { transaction: Transaction }) => {
      await Batch.destroy({ where: { id: refIds }, transaction });
    },
  };
}
