import { Op, type Transaction, type WhereOptions } from "sequelize";
import type { Config } from "../../../config/index.ts";
import { Attachment } from "../../models/attachment.ts";
import { Content } from "../../models/content.ts";
import { ModuleFile } from "../../models/module-file.ts";
import { fileBackendFor, fileBackendOf, type FileBackend } from "./object-store.ts";

/** A savepoint "commits" while its parent may still roll back: only the outermost commit is final. */
function outermost(transaction: Transaction): Transaction {
  let root = transaction as Transaction & { parent?: Transaction };
  while (root.parent) root = root.parent as Transaction & { parent?: Transaction };
  return root;
}

/** Runs work (deleting files) once the transaction's outermost one commits, and the commit waits for it; never if it rolls back. */
export function afterOutermostCommit(transaction: Transaction, work: () => Promise<void>) {
  outermost(transaction).afterCommit(work);
}

/** The storage keys (file and thumbnail) of attachment or module file rows. */
function keysOf(rows: Pick<Attachment, "storageKey" | "thumbnailKey">[]): string[] {
  return rows.flatMap((row) => [row.storageKey, row.thumbnailKey]).filter((key): key is string => Boolean(key));
}

/**
 * Deletes the files of the attachments a transaction is about to lose (their rows deleted here or by
 * a cascade), once it commits: never before, so a rollback keeps rows and files together. Call it
 * inside the transaction, before the delete, with the rows' selection.
 */
export async function removeFilesAfterCommit(transaction: Transaction, uploadsDir: string, where: WhereOptions<Attachment>): Promise<Attachment[]> {
  const attachments = await Attachment.findAll({ where, attributes: ["id", "storageKey", "thumbnailKey"], transaction });
  // On disk or in the bucket, wherever this app keeps them.
  const keys = keysOf(attachments);
  if (keys.length > 0) afterOutermostCommit(transaction, () => fileBackendFor(uploadsDir).remove(keys));
  return attachments;
}

/** Detaches some of a content's own files (not its comments'): rows now, files after the commit. Ids of other contents are ignored. */
export async function detachAttachments(transaction: Transaction, uploadsDir: string, contentId: number, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const where = { id: { [Op.in]: ids }, contentId, commentId: null };
  const attachments = await removeFilesAfterCommit(transaction, uploadsDir, where);
  if (attachments.length > 0) await Attachment.destroy({ where: { id: { [Op.in]: attachments.map((a) => a.id) } }, transaction });
  return attachments.length;
}

type DestroyOptions = { where?: WhereOptions; transaction?: Transaction | null; attachmentFiles?: () => Promise<void> };
const hookName = "attachmentFilesOnHardDelete";

/** Removes the files of these contents' attachments (comments' included) and of modules' files once the delete is final. */
async function scheduleRemoval(backend: FileBackend, contentIds: number[], options: DestroyOptions) {
  if (contentIds.length === 0) return;
  const transaction = options.transaction ?? undefined;
  const query = { where: { contentId: { [Op.in]: contentIds } }, attributes: ["storageKey", "thumbnailKey"], transaction };
  const [attachments, moduleFiles] = await Promise.all([Attachment.findAll(query), ModuleFile.findAll(query)]);
  // Attachments and modules' files alike, wherever the app keeps them (the disk or a bucket).
  const keys = [...keysOf(attachments), ...keysOf(moduleFiles)];
  if (keys.length === 0) return;
  const remove = () => backend.remove(keys);
  if (transaction) afterOutermostCommit(transaction, remove);
  else options.attachmentFiles = remove;
}

/**
 * Any hard delete of contents (the purge of soft-deleted ones, a group's deletion, a module's clean-up)
 * takes their files and thumbnails off the disk, comments' files included (their rows cascade): after
 * the commit when inside a transaction, so a rollback keeps them; right after the delete otherwise.
 * Installed once per app (the last app's uploads dir wins: one per process in practice).
 */
export function removeAttachmentFilesOnHardDelete(config: Config) {
  const backend = fileBackendOf(config);
  for (const type of ["beforeBulkDestroy", "afterBulkDestroy", "beforeDestroy", "afterDestroy"] as const) Content.removeHook(type, hookName);
  Content.addHook("beforeBulkDestroy", hookName, async (options: DestroyOptions) => {
    const contents = await Content.findAll({ where: options.where ?? {}, attributes: ["id"], transaction: options.transaction ?? undefined });
    await scheduleRemoval(backend, contents.map((content) => content.id), options);
  });
  Content.addHook("beforeDestroy", hookName, (content: Content, options: DestroyOptions) => scheduleRemoval(backend, [content.id], options));
  const removeNow = async (options: DestroyOptions) => {
    if (options.attachmentFiles) await options.attachmentFiles();
  };
  Content.addHook("afterBulkDestroy", hookName, removeNow);
  Content.addHook("afterDestroy", hookName, (_content: Content, options: DestroyOptions) => removeNow(options));
}
