import { Op, QueryTypes } from "sequelize";
import type { Host } from "../../core/sdk/index.ts";
import { Document, Version } from "./models.ts";
import { addUsage } from "./store.ts";

export const trashDays = 30;

/**
 * Deletes for good the documents trashed more than 30 days ago: their versions, and each version's file
 * (row now, bytes after the commit) unless another live version still uses it (a restored version shares
 * its file). A batch at a time, each in its own transaction.
 */
export async function purgeTrash(host: Host, now = new Date()) {
  const before = new Date(now.getTime() - trashDays * 24 * 3600_000);
  for (;;) {
    const expired = await Document.findAll({ where: { deletedAt: { [Op.lt]: before } }, attributes: ["id", "containerType", "containerId"], limit: 100, order: [["id", "ASC"]] });
    if (expired.length === 0) break;
    const ids = expired.map((document) => document.id);
    await host.sequelize.transaction(async (transaction) => {
      const versions = await Version.findAll({ where: { documentId: ids }, attributes: ["fileId", "size", "documentId", "previewFileId"], transaction });
      const previews = [...new Set(versions.map((version) => version.previewFileId).filter((id): id is number => id !== null))];
      const fileIds = [...new Set(versions.map((version) => version.fileId))];
      await Version.destroy({ where: { documentId: ids }, transaction });
      await host.readReceipts.forget(ids.map((id) => `document:${id}`), { transaction });
      await Document.destroy({ where: { id: ids }, transaction });
      const kept = fileIds.length
        ? await host.sequelize.query<{ file_id: number }>("SELECT DISTINCT file_id FROM documents_versions WHERE file_id IN (:fileIds)", { replacements: { fileIds }, type: QueryTypes.SELECT, transaction })
        : [];
      const stillUsed = new Set(kept.map((row) => Number(row.file_id)));
      const spaceOf = new Map(expired.map((document) => [document.id, { type: document.containerType, id: document.containerId }]));
      const freed = new Map<string, { space: { type: string; id: number }; bytes: number }>();
      const counted = new Set<number>();
      for (const version of versions) {
        if (stillUsed.has(version.fileId) || counted.has(version.fileId)) continue;
        counted.add(version.fileId);
        const space = spaceOf.get(version.documentId)!;
        const key = `${space.type}:${space.id}`;
        freed.set(key, { space, bytes: (freed.get(key)?.bytes ?? 0) + version.size });
        await host.files.remove(version.fileId, { transaction });
      }
      // A PDF's drawn first page goes with the last version showing it.
      const shownStill = previews.length
        ? await host.sequelize.query<{ preview_file_id: number }>("SELECT DISTINCT preview_file_id FROM documents_versions WHERE preview_file_id IN (:previews)", { replacements: { previews }, type: QueryTypes.SELECT, transaction })
        : [];
      const stillShown = new Set(shownStill.map((row) => Number(row.preview_file_id)));
      for (const preview of previews) if (!stillShown.has(preview)) await host.files.remove(preview, { transaction });
      // The space's usage goes down by the files that went.
      for (const { space, bytes } of freed.values()) await addUsage(host, space, -bytes, transaction);
    });
  }
  // Then the folders deleted as a whole (their files went above): each tree's root, its folders following by cascade.
  await host.sequelize.query("DELETE FROM documents_folders WHERE deleted_at < :before AND trash_root_id = id", { replacements: { before } });
}
