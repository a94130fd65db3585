import { QueryTypes, type Transaction } from "sequelize";
import type { ContentPolicy, ContentTypeDefinition, Host } from "../../core/sdk/index.ts";
import { permissions } from "./access.ts";
import { Batch } from "./models.ts";
import { restrictedFolderIds } from "./restrict.ts";
import { batchType } from "./store.ts";
import { searchVisibility } from "./search-visibility.ts";

/** What one upload's stream entry shows: the documents it brought that are still live, for readers allowed to view them. */
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
  const items = new Map<number, { files: { id: number; name: string; isNewVersion: boolean }[]; hidden: boolean; noteHtml: string }>(
    refIds.map((id) => [id, { files: [], hidden: false, noteHtml: noteOf.get(id) ?? "" }]),
  );
  for (const row of rows) {
    const item = items.get(Number(row.batch_id))!;
    const key = `${row.container_type}:${row.container_id}`;
    if (!viewing.get(key) || (row.folder_id !== null && hidden.get(key)!.has(Number(row.folder_id)))) item.hidden = true;
    else item.files.push({ id: Number(row.document_id), name: row.name, isNewVersion: Number(row.is_first) !== 1 });
  }
  return items;
}

/** One upload form's stream entry: comments, reactions, mentions (in its note) and notifications as for any content. */
export function batchContentType(host: Host): ContentTypeDefinition {
  return {
    type: batchType,
    template: "documents/entry.njk",
    createPermission: permissions.upload,
    // Found by its message, its files' names (also split at dots, dashes and underscores: PostgreSQL reads
    // "safety.docx" as one word) and their text (extracted in background work); trashed files leave it.
    search: {
      label: "documents:search.tab",
      table: "documents_batches",
      title: "NULL",
      body: (dialect) =>
        `COALESCE(r.note, '') || ' ' || COALESCE((SELECT ${dialect === "postgres" ? "string_agg" : "group_concat"}(v.doc_name || ' ' || replace(replace(replace(v.doc_name, '.', ' '), '_', ' '), '-', ' ') || ' ' || COALESCE(v.extracted_text, ''), ' ')
          FROM documents_versions v WHERE v.batch_id = r.id AND v.is_live = ${dialect === "postgres" ? "TRUE" : "1"}), '')`,
      columns: ["note"],
      related: [{ table: "documents_versions", column: "batch_id" }],
      // Found only by who may view the space's documents (and open the folder of each file).
      visibleTo: (policy, prefix) => searchVisibility(host, policy, prefix),
    },
    load: (refIds, policy) => loadBatches(host, refIds, policy),
    purge: async (refIds, { transaction }: { transaction: Transaction }) => {
      await Batch.destroy({ where: { id: refIds }, transaction });
    },
  };
}
