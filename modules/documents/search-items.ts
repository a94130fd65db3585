import { QueryTypes } from "sequelize";
import type { Container, Host, ItemSearch } from "../../core/sdk/index.ts";
import { baseOf, permissions } from "./access.ts";
import { restrictedFolderIds } from "./restrict.ts";

export const fileKind = "documents-file";

const truth = (dialect: string) => (dialect === "postgres" ? "TRUE" : "1");
/** Words of a file name: PostgreSQL reads "safety.docx" or "pay_grid" as one word. */
const nameWords = (expression: string) => `${expression} || ' ' || replace(replace(replace(${expression}, '.', ' '), '_', ' '), '-', ' ')`;

/**
 * Each document is its own search result (its name and its current version's text), whether or not its
 * upload made a stream entry: a file uploaded straight into a folder for moderators only is found by them.
 * Who finds it: search-visibility.ts (the right to view, and moderators alone for restricted folders).
 */
export function documentItems(host: Host): ItemSearch {
  return {
    kind: fileKind,
    label: "documents:search.filesTab",
    table: "documents",
    containerType: "r.container_type",
    containerId: "r.container_id",
    title: "r.name",
    body: (dialect) => `${nameWords("r.name")} || ' ' || COALESCE((SELECT v.extracted_text FROM documents_versions v WHERE v.id = r.current_version_id), '')`,
    // Out of the trash (its own, or its folder's: is_live, kept by syncSearchVisibility).
    where: (dialect) => `r.deleted_at IS NULL AND EXISTS (SELECT 1 FROM documents_versions v WHERE v.id = r.current_version_id AND v.is_live = ${truth(dialect)})`,
    date: "COALESCE((SELECT v.created_at FROM documents_versions v WHERE v.id = r.current_version_id), r.created_at)",
    columns: ["name", "deleted_at", "container_type", "container_id", "current_version_id"],
    related: [{ table: "documents_versions", column: "document_id" }],
    load: async (refIds, policy) => {
      const found: Awaited<ReturnType<ItemSearch["load"]>> = new Map();
      const rows = await host.sequelize.query<{ id: number; container_type: string; container_id: number; folder_id: number | null; uploader_id: number | null; created_at: Date | string; content_id: number | null; slug: string | null }>(
        `SELECT d.id, d.container_type, d.container_id, d.folder_id, v.uploader_id, v.created_at, g.slug,
           (SELECT c.id FROM contents c WHERE c.type = 'documents-batch' AND c.ref_id = v.batch_id) AS content_id
         FROM documents d JOIN documents_versions v ON v.id = d.current_version_id
         LEFT JOIN groups g ON d.container_type = 'group' AND g.id = d.container_id
         WHERE d.id IN (:refIds) AND d.deleted_at IS NULL`,
        { replacements: { refIds }, type: QueryTypes.SELECT },
      );
      // The same checks as the document's page, once per space of the page of results.
      const hiddenIn = new Map<string, Set<number> | null>();
      for (const row of rows) {
        const key = `${row.container_type}:${row.container_id}`;
        if (!hiddenIn.has(key)) {
          const container: Container = { type: row.container_type, id: Number(row.container_id), slug: row.slug ?? "company", name: "" };
          const readable = await policy.readableIds(container.type);
          const reads = readable === "all" || readable.has(container.id);
          const views = reads && (await host.can(policy.user, permissions.view, container));
          hiddenIn.set(key, !views ? null : (await host.can(policy.user, permissions.deleteOthers, container)) ? new Set() : await restrictedFolderIds(host, container));
        }
        const hidden = hiddenIn.get(key);
        if (!hidden || (row.folder_id !== null && hidden.has(Number(row.folder_id)))) continue;
        const container: Container = { type: row.container_type, id: Number(row.container_id), slug: row.slug ?? "company", name: "" };
        found.set(Number(row.id), {
          url: `${baseOf(container)}/d/${row.id}`,
          authorId: row.uploader_id === null ? null : Number(row.uploader_id),
          date: new Date(row.created_at),
          contentId: row.content_id === null ? null : Number(row.content_id),
        });
      }
      return found;
    },
  };
}
