import { QueryTypes } from "sequelize";
import type { Container, Host } from "../../core/sdk/index.ts";
import { Document, Folder, Version } from "./models.ts";
import { syncSearchVisibility } from "./restrict.ts";

// Folder trees, shared by the web pages and WebDAV so both answer the same.

/** How many levels of folders sit under this one (0 for none), with one recursive query. */
export async function depthBelow(host: Host, folder: Folder): Promise<number> {
  const [row] = await host.sequelize.query<{ depth: number | string | null }>(
    `WITH RECURSIVE down(id, depth) AS (SELECT id, 0 FROM documents_folders WHERE id = :id
       UNION ALL SELECT f.id, down.depth + 1 FROM documents_folders f JOIN down ON f.parent_id = down.id WHERE down.depth < 100)
     SELECT MAX(depth) AS depth FROM down`,
    { replacements: { id: folder.id }, type: QueryTypes.SELECT },
  );
  return Number(row?.depth ?? 0);
}

/** A folder goes with its folders; the documents in them go to the trash (restored to the top level). */
export async function deleteFolderTree(host: Host, container: Pick<Container, "type" | "id">, folder: Folder, userId: number) {
  await host.sequelize.transaction(async (transaction) => {
    const ids = await host.sequelize.query<{ id: number }>(
      `WITH RECURSIVE tree(id, depth) AS (SELECT id, 0 FROM documents_folders WHERE id = :id
         UNION ALL SELECT f.id, tree.depth + 1 FROM documents_folders f JOIN tree ON f.parent_id = tree.id WHERE tree.depth < 100)
       SELECT id FROM tree`,
      { replacements: { id: folder.id }, type: QueryTypes.SELECT, transaction },
    );
    const trashed = await Document.findAll({ where: { folderId: ids.map((row) => Number(row.id)), deletedAt: null }, attributes: ["id"], transaction });
    const trashedIds = trashed.map((document) => document.id);
    await Document.update({ deletedAt: new Date(), deletedBy: userId }, { where: { id: trashedIds }, transaction });
    await Version.update({ isLive: false }, { where: { documentId: trashedIds }, transaction });
    await folder.destroy({ transaction });
    await syncSearchVisibility(host, container, transaction);
  });
}
