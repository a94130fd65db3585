import { QueryTypes, UniqueConstraintError, type Transaction } from "sequelize";
import { HttpError, type Container, type ContentPolicy, type Host, type ReceivedUpload, type StoredFile, type User } from "../../core/sdk/index.ts";
import { Batch, Document, Folder, Version } from "./models.ts";
import { nameKey, uploadName } from "./names.ts";
import { restrictedFolderIds } from "./restrict.ts";
import { siteSettings } from "./settings.ts";

export const batchType = "documents-batch";

/** Bytes a container's documents take: every version's file once (a restored version shares its file), trash included. */
export async function usageOf(host: Host, container: Pick<Container, "type" | "id">, transaction?: Transaction): Promise<number> {
  const [row] = await host.sequelize.query<{ bytes: number | string | null }>(
    "SELECT bytes FROM documents_usage WHERE container_type = :type AND container_id = :id",
    { replacements: { type: container.type, id: container.id }, type: QueryTypes.SELECT, transaction },
  );
  return Number(row?.bytes ?? 0);
}

/** Adds (or, negative, takes away) bytes to a space's usage, in the write's transaction: one atomic statement. */
export async function addUsage(host: Host, container: Pick<Container, "type" | "id">, bytes: number, transaction?: Transaction) {
  if (bytes === 0) return;
  await host.sequelize.query(
    `INSERT INTO documents_usage (container_type, container_id, bytes) VALUES (:type, :id, :bytes)
     ON CONFLICT (container_type, container_id) DO UPDATE SET bytes = documents_usage.bytes + excluded.bytes`,
    { replacements: { type: container.type, id: container.id, bytes }, transaction },
  );
}

export async function quotaOf(host: Host): Promise<number> {
  return (await host.settings.read(siteSettings)).quotaMb * 1024 * 1024;
}

/** Moves a document's current version forward, never back (two uploads at once may commit in any order). */
export async function advanceCurrent(host: Host, documentId: number, versionId: number, transaction: Transaction) {
  await host.sequelize.query(
    `UPDATE documents SET current_version_id = CASE WHEN current_version_id IS NULL OR current_version_id < :versionId THEN :versionId ELSE current_version_id END,
      updated_at = :now WHERE id = :documentId`,
    { replacements: { documentId, versionId, now: new Date() }, transaction },
  );
}

/**
 * The live document of this name in the folder, or a new one. Two uploads of one name at once: the second
 * insert meets the unique index, gives up its savepoint and adds its file as a version of the first.
 */
async function documentNamed(host: Host, container: Container, folderId: number | null, name: string, uploader: User, transaction: Transaction): Promise<Document> {
  const where = { containerType: container.type, containerId: container.id, folderId, nameKey: nameKey(name), deletedAt: null };
  const existing = await Document.findOne({ where, transaction });
  if (existing) return existing;
  try {
    return await host.sequelize.transaction({ transaction }, (savepoint) =>
      Document.create({ containerType: container.type, containerId: container.id, folderId, name, nameKey: nameKey(name), uploaderId: uploader.id, currentVersionId: null }, { transaction: savepoint }),
    );
  } catch (error) {
    if (!(error instanceof UniqueConstraintError)) throw error;
    const found = await Document.findOne({ where, transaction });
    // Not a file of that name: a folder beside it took it (files and folders share their names, documents_names).
    if (!found) throw new HttpError(409, "documents:errors.folderNamed");
    return found;
  }
}

export interface UploadRequest {
  container: Container;
  folderId: number | null;
  uploads: ReceivedUpload[];
  note: string;
  /** "Upload a new version" of this document: every file becomes one of its versions, whatever its name. */
  target?: Document | null;
  /**
   * A save over WebDAV: a new version of a document this person saved themselves within the last hour makes no
   * new stream entry (an editor saving every few minutes, Finder's empty file then its bytes), only the version.
   */
  isSave?: boolean;
}

/** How long a person's saves of one document over WebDAV count as one stream entry. */
const saveWindowMs = 60 * 60 * 1000;

/** Whether this person saved a version of this document within the save window (their own recent entry stands for it). */
async function savedLately(documentId: number, uploaderId: number): Promise<boolean> {
  const last = await Version.findOne({ where: { documentId }, order: [["id", "DESC"]], attributes: ["uploaderId", "createdAt"] });
  return Boolean(last && last.uploaderId === uploaderId && Date.now() - last.createdAt.getTime() < saveWindowMs);
}

/**
 * Stores one upload form: each file becomes a document of its name in the folder, or a new version of the
 * one already there; the whole form is one stream entry (a "documents-batch" content) with the note as text.
 * Refusals (names, quota) are 4xx with nothing written; a failed write takes the stored bytes away too.
 */
export async function storeBatch(host: Host, policy: ContentPolicy, uploader: User, request: UploadRequest) {
  const { container, uploads } = request;
  if (uploads.length === 0) throw new HttpError(422, "documents:errors.noFiles");
  const names: string[] = [];
  for (const upload of uploads) {
    const checked = uploadName(upload.originalName);
    if ("error" in checked) throw new HttpError(422, checked.error);
    names.push(checked.name);
  }
  // A file cannot take the name of a folder beside it: refused whole, with the reason (the database checks it again).
  if (!request.target && names.length > 0) {
    const clash = await Folder.findOne({ where: { containerType: container.type, containerId: container.id, parentId: request.folderId, nameKey: names.map(nameKey) }, attributes: ["id"] });
    if (clash) throw new HttpError(409, "documents:errors.folderNamed");
  }
  const incoming = uploads.reduce((sum, upload) => sum + upload.size, 0);
  const quota = await quotaOf(host);
  if ((await usageOf(host, container)) + incoming > quota) throw new HttpError(413, "documents:errors.quota");
  const stored: StoredFile[] = [];
  const documentIds: number[] = [];
  // Files in a moderators-only folder: found by the space's moderators only (search-visibility.ts), once moved there.
  const restricted = await restrictedFolderIds(host, container);
  // Into a folder for moderators only (one upload goes into one folder): no stream entry at all, which would
  // show others that something came, and count in their "N new posts". Its files are in the folder only. Nor
  // for a WebDAV save of a document the same person saved within the hour (isSave).
  const quiet = (request.folderId !== null && restricted.has(request.folderId)) || Boolean(request.isSave && request.target && (await savedLately(request.target.id, uploader.id)));
  try {
    const writeFiles = async (transaction: Transaction, batchId: number | null) => {
      for (const [index, upload] of uploads.entries()) {
        const file = await host.files.put(upload, { uploader, transaction });
        stored.push(file);
        const document = request.target ?? (await documentNamed(host, container, request.folderId, names[index], uploader, transaction));
        const version = await Version.create(
          { documentId: document.id, fileId: file.id, uploaderId: uploader.id, batchId, note: request.note.slice(0, 500), size: file.size, mime: file.mime, hasThumbnail: file.hasThumbnail, docName: document.name, inRestricted: Boolean(document.folderId && restricted.has(document.folderId)) },
          { transaction },
        );
        // Its text goes into search in background work (bounded in size and time), queued with the write.
        await host.jobs.at("extract", new Date(), { versionId: version.id }, { key: `extract:${version.id}`, transaction });
        await advanceCurrent(host, document.id, version.id, transaction);
        await addUsage(host, container, file.size, transaction);
        documentIds.push(document.id);
      }
      // Checked again once this upload's bytes are counted, in its transaction: two uploads at once cannot
      // both pass the check above and go over together (the usage row is locked by the first until it commits).
      if ((await usageOf(host, container, transaction)) > quota) throw new HttpError(413, "documents:errors.quota");
    };
    if (quiet) {
      await host.sequelize.transaction((transaction) => writeFiles(transaction, null));
      return { content: null, documentIds };
    }
    const content = await host.content.create(policy, {
      type: batchType,
      container,
      text: request.note || null,
      write: async ({ transaction, html }) =>
        (await Batch.create({ containerType: container.type, containerId: container.id, uploaderId: uploader.id, noteHtml: request.note ? html(request.note) : "", note: request.note }, { transaction })).id,
      afterWrite: ({ transaction, content }) => writeFiles(transaction, content.refId),
    });
    return { content, documentIds };
  } catch (error) {
    for (const file of stored) await host.files.remove(file);
    throw error;
  }
}

/** Keeps the name search reads in step on every version of a document (then syncSearchVisibility for what it may show). */
export async function syncSearchName(documentId: number, name: string, transaction?: Transaction) {
  await Version.update({ docName: name }, { where: { documentId }, transaction });
}
