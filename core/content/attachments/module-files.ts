import type { Transaction } from "sequelize";
import type { Config } from "../../../config/index.ts";
import type { AppContext } from "../../http/context.ts";
import { HttpError, notFound } from "../../http/errors.ts";
import { sendFile } from "../../http/send-file.ts";
import { Content } from "../../models/content.ts";
import { ModuleFile } from "../../models/module-file.ts";
import type { ModuleRegistry } from "../../modules/registry.ts";
import type { FileSource, ModuleFiles, StoredFile } from "../../modules/file-types.ts";
import { policyOf } from "../request.ts";
import { isInlineType } from "./file-types.ts";
import type { ReceivedUpload } from "./received-upload.ts";
import { fileBackendOf } from "./object-store.ts";
import { afterOutermostCommit } from "./removal.ts";
import { discardUploads, receiveBytes, receiveForm } from "./uploads.ts";

function isReceivedUpload(source: ReceivedUpload | FileSource): source is ReceivedUpload {
  return "tempPath" in source;
}

/** The storage keys behind each file handed out, so remove() finds them even when the row's transaction rolled back. */
const keysOf = new WeakMap<StoredFile, string[]>();

const keysOfRow = (row: Pick<ModuleFile, "storageKey" | "thumbnailKey">) => [row.storageKey, row.thumbnailKey].filter((key): key is string => Boolean(key));

function stored(row: ModuleFile): StoredFile {
  const file: StoredFile = {
    id: row.id,
    name: row.originalName,
    mime: row.mime,
    size: row.size,
    width: row.width,
    height: row.height,
    hasThumbnail: row.thumbnailKey !== null,
    contentId: row.contentId,
    createdAt: row.createdAt,
  };
  keysOf.set(file, keysOfRow(row));
  return file;
}

/** A file's content, if the reader may read it now: a deleted (restorable) content's files are served to no one. */
async function mayReadContentOf(ctx: AppContext, registry: ModuleRegistry, row: ModuleFile) {
  if (row.contentId === null) return true;
  const content = await Content.findByPk(row.contentId);
  return Boolean(content && !content.deletedAt && (await policyOf(ctx, registry).canRead(content)));
}

/** host.files for one module (see ModuleFiles): its rows carry its id and its bytes sit under its own folder. */
export function moduleFiles(registry: ModuleRegistry, config: Config, moduleId: string): ModuleFiles {
  // The uploads dir, or an S3-compatible bucket (AGORA_S3_*).
  const backend = fileBackendOf(config);
  const row = (id: number, transaction?: Transaction) =>
    Number.isSafeInteger(id) && id > 0 ? ModuleFile.findOne({ where: { id, moduleId }, transaction }) : Promise.resolve(null);
  return {
    receive: (ctx, limits) => receiveForm(ctx, config, limits),
    receiveStream: (source, limits) => receiveBytes(config, source, limits?.maxFileBytes, limits?.allowEmpty),
    discard: (uploads) => discardUploads(uploads),

    async put(source, options = {}) {
      const upload = isReceivedUpload(source) ? source : await receiveBytes(config, source);
      try {
        const declared = isReceivedUpload(source) ? undefined : source.type;
        if ((declared && declared !== upload.mime) || (options.types && !options.types.includes(upload.mime))) throw new HttpError(415, "attachments:errors.type");
        const fields = await backend.store(upload, moduleId);
        const owner = { moduleId, contentId: options.content?.id ?? null, uploaderId: options.uploader?.id ?? null };
        try {
          return stored(await ModuleFile.create({ ...owner, ...fields }, { transaction: options.transaction }));
        } catch (error) {
          await backend.remove([fields.storageKey, fields.thumbnailKey]);
          throw error;
        }
      } catch (error) {
        await discardUploads([upload]);
        throw error;
      }
    },

    async get(id, options = {}) {
      const found = await row(id, options.transaction);
      return found ? stored(found) : null;
    },

    async send(ctx, file, options = {}) {
      const found = await row(typeof file === "number" ? file : file.id);
      if (!found || !(await mayReadContentOf(ctx, registry, found))) throw notFound();
      const key = options.thumbnail ? found.thumbnailKey : found.storageKey;
      await sendFile(ctx, {
        path: null,
        bytes: async () => (key ? backend.bytes(key) : null),
        mime: options.thumbnail ? "image/webp" : found.mime,
        etag: options.etag ?? `m${found.id}-${options.thumbnail ? "thumb" : found.size}`,
        disposition: options.thumbnail || (isInlineType(found.mime) && !options.download) ? "inline" : "attachment",
        name: options.thumbnail ? undefined : found.originalName,
      });
    },

    async open(file) {
      const found = await row(typeof file === "number" ? file : file.id);
      // Opened before it is handed out: a missing file is null, not an error in the middle of a download.
      return found ? backend.open(found.storageKey) : null;
    },

    async remove(file, options = {}) {
      const found = await row(typeof file === "number" ? file : file.id, options.transaction);
      // A file whose row is gone (its transaction rolled back) still has its bytes, found by the object put() returned.
      const keys = found ? keysOfRow(found) : typeof file === "number" ? [] : (keysOf.get(file) ?? []);
      await found?.destroy({ transaction: options.transaction });
      if (options.transaction) afterOutermostCommit(options.transaction, () => backend.remove(keys));
      else await backend.remove(keys);
    },
  };
}
