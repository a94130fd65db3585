import { Op, QueryTypes, type Transaction } from "sequelize";
import { HttpError, type Container, type Host } from "../../core/sdk/index.ts";
import { Document, Folder, Version } from "./models.ts";
import { nameKey } from "./names.ts";
import { syncSearchVisibility } from "./restrict.ts";

// Folder trees, shared by the web pages and WebDAV so both answer the same.

/** How many levels of folders sit under this one (0 for none), with one recursive query. */
export async function depthBelow(host: Host, folder: Folder): Promise<number> {
  const [row] = await host.sequelize.query<{ depth: number | string | null }>(
    `WITH RECURSIVE down(id, depth) AS (SELECT id, 0 FROM documents_folders WHERE id = :id
       UNION ALL SELECT f.id, down.depth + 1 FROM documents_folders f JOIN down ON f.parent_id = down.id WHERE down.depth < 100 AND f.deleted_at IS NULL)
     SELECT MAX(depth) AS depth FROM down`,
    { replacements: { id: folder.id }, type: QueryTypes.SELECT },
  );
  return Number(row?.depth ?? 0);
}

/** The folder and every live folder under it: one recursive query. */
async function treeOf(host: Host, folderId: number, transaction: Transaction): Promise<number[]> {
  const rows = await host.sequelize.query<{ id: number }>(
    `WITH RECURSIVE tree(id, depth) AS (SELECT id, 0 FROM documents_folders WHERE id = :id
       UNION ALL SELECT f.id, tree.depth + 1 FROM documents_folders f JOIN tree ON f.parent_id = tree.id WHERE tree.depth < 100 AND f.deleted_at IS NULL)
     SELECT id FROM tree`,
    { replacements: { id: folderId }, type: QueryTypes.SELECT, transaction },
  );
  return rows.map((row) => Number(row.id));
}

/**
 * A folder goes to the trash as a whole: it, its folders and their live files, each marked with the folder
 * whose deletion took them (trash_root_id, trashed_with_folder), so that a restore brings back that tree and
 * nothing trashed before it. Files trashed before keep their own place in the trash.
 */
export async function deleteFolderTree(host: Host, container: Pick<Container, "type" | "id">, folder: Folder, userId: number) {
  await host.sequelize.transaction(async (transaction) => {
    const ids = await treeOf(host, folder.id, transaction);
    const now = new Date();
    const trashed = await Document.findAll({ where: { folderId: ids, deletedAt: null }, attributes: ["id"], transaction });
    const trashedIds = trashed.map((document) => document.id);
    await Document.update({ deletedAt: now, deletedBy: userId, trashedWithFolder: folder.id }, { where: { id: trashedIds }, transaction });
    await Version.update({ isLive: false }, { where: { documentId: trashedIds }, transaction });
    await Folder.update({ deletedAt: now, deletedBy: userId, trashRootId: folder.id }, { where: { id: ids }, transaction });
    await syncSearchVisibility(host, container, transaction);
  });
}

/** "Plans" → "Plans (2)", "(3)"... : the first name free among the live folders and files of that place. */
async function freeName(host: Host, container: Pick<Container, "type" | "id">, parentId: number | null, name: string, transaction: Transaction): Promise<string> {
  for (let n = 1; n < 1000; n += 1) {
    const candidate = n === 1 ? name : `${name} (${n})`;
    const [row] = await host.sequelize.query<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM documents_names WHERE container_type = :type AND container_id = :id AND parent_key = :parent AND name_key = :key",
      { replacements: { type: container.type, id: container.id, parent: parentId ?? 0, key: nameKey(candidate) }, type: QueryTypes.SELECT, transaction },
    );
    if (Number(row?.n ?? 0) === 0) return candidate;
  }
  throw new HttpError(409, "documents:errors.nameTaken");
}

/**
 * Brings a trashed folder back with what its deletion took: its folders and their files. Into its old parent
 * if that is still there (else the top level); under "Name (2)" when something took its name meanwhile.
 * Returns the name it came back under.
 */
export async function restoreFolderTree(host: Host, container: Pick<Container, "type" | "id">, folder: Folder): Promise<string> {
  return host.sequelize.transaction(async (transaction) => {
    const parent = folder.parentId ? await Folder.findOne({ where: { id: folder.parentId }, transaction }) : null;
    const parentId = parent ? parent.id : null;
    const name = await freeName(host, container, parentId, folder.name, transaction);
    // The tree's own folders first (their names cannot clash: nothing could be added under a trashed folder).
    await Folder.update({ deletedAt: null, deletedBy: null, trashRootId: null }, { where: { trashRootId: folder.id, id: { [Op.ne]: folder.id } }, transaction, paranoid: false });
    await Folder.update({ deletedAt: null, deletedBy: null, trashRootId: null, parentId, name, nameKey: nameKey(name) }, { where: { id: folder.id }, transaction, paranoid: false });
    await Document.update({ deletedAt: null, deletedBy: null, trashedWithFolder: null }, { where: { trashedWithFolder: folder.id, deletedAt: { [Op.ne]: null } }, transaction });
    await syncSearchVisibility(host, container, transaction);
    return name;
  });
}

/** The folders deleted as a whole in the last 30 days (their trees' roots), with how many files each took: the viewer's own, or all for moderators. */
export async function trashedFolders(host: Host, container: Pick<Container, "type" | "id">, since: Date, deletedBy: number | null) {
  const rows = await host.sequelize.query<{ id: number; name: string; deleted_at: string | Date; deleted_by: number | null; files: number | string }>(
    `SELECT f.id, f.name, f.deleted_at, f.deleted_by,
       (SELECT COUNT(*) FROM documents d WHERE d.trashed_with_folder = f.id AND d.deleted_at IS NOT NULL) AS files
     FROM documents_folders f WHERE f.container_type = :type AND f.container_id = :id AND f.trash_root_id = f.id AND f.deleted_at >= :since
       ${deletedBy === null ? "" : "AND f.deleted_by = :deletedBy"}
     ORDER BY f.deleted_at DESC, f.id DESC LIMIT 200`,
    { replacements: { type: container.type, id: container.id, since, deletedBy }, type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({ id: Number(row.id), name: row.name, deletedAt: new Date(row.deleted_at), deletedBy: row.deleted_by === null ? null : Number(row.deleted_by), files: Number(row.files) }));
}
