import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import multer from "multer";
import type { Transaction } from "sequelize";
import type { Config } from "../../../config/index.ts";
import type { AppContext } from "../../http/context.ts";
import { HttpError } from "../../http/errors.ts";
import { Attachment } from "../../models/attachment.ts";
import { displayName } from "./file-names.ts";
import type { ReceivedUpload } from "./received-upload.ts";

export type { ReceivedUpload } from "./received-upload.ts";
import { acceptedTypeOf, emptyFileType, isImageType } from "./file-types.ts";
import { processImage, UnreadableImageError } from "./images.ts";
import { fileBackendFor } from "./object-store.ts";
import { removeQuietly, sweepStaleTemporaryFiles, temporaryDirectory, temporaryPath } from "./storage.ts";

/** The file input's name in every form that takes attachments. */
export const fileFieldName = "files";
export const maxFilesPerForm = 10;

type MultipartFile = { path: string; originalname: string; size: number };
type MultipartRequest = IncomingMessage & { body?: Record<string, unknown>; files?: MultipartFile[] };
type StorageEngine = multer.StorageEngine;

/** Streams each file to its own random temporary file and remembers every path it creates and when it is closed. */
function temporaryStorage(uploadsDir: string, created: Set<string>, closing: Promise<void>[]): StorageEngine {
  return {
    _handleFile(_request, file, callback) {
      const target = temporaryPath(uploadsDir);
      created.add(target);
      const output = createWriteStream(target, { flags: "wx", mode: 0o600 });
      closing.push(new Promise((resolve) => output.once("close", () => resolve())));
      pipeline(file.stream, output).then(
        () => callback(null, { path: target, size: output.bytesWritten }),
        (error: unknown) => callback(error),
      );
    },
    _removeFile(_request, file, callback) {
      void removeQuietly([file.path]).then(() => callback(null));
    },
  };
}

function readMultipart(ctx: AppContext, storage: StorageEngine, maxFileBytes: number, maxFiles: number): Promise<MultipartRequest> {
  // Plain multer behind a promise: @koa/multer's type declarations widen Koa's context for the whole program.
  const middleware = multer({
    storage,
    // Browsers send file names as raw UTF-8.
    defParamCharset: "utf8",
    limits: { fileSize: maxFileBytes, files: maxFiles, fields: 50, fieldSize: 200_000, fieldNameSize: 100, parts: maxFiles + 50, headerPairs: 20 },
  }).array(fileFieldName, maxFiles) as unknown as (request: IncomingMessage, response: ServerResponse, done: (error?: unknown) => void) => void;
  return new Promise((resolve, reject) => middleware(ctx.req, ctx.res, (error) => (error ? reject(error) : resolve(ctx.req as MultipartRequest))));
}

/** A refused form as the user should hear it; a disk or server failure stays a 500. */
function refusal(error: unknown): unknown {
  if (error instanceof multer.MulterError) {
    if (error.code === "LIMIT_FILE_SIZE") return new HttpError(413, "attachments:errors.tooLarge");
    if (error.code === "LIMIT_FILE_COUNT" || (error.code === "LIMIT_UNEXPECTED_FILE" && error.field === fileFieldName)) return new HttpError(413, "attachments:errors.tooMany");
    if (error.code === "LIMIT_UNEXPECTED_FILE") return new HttpError(400, "attachments:errors.unexpectedField");
    return new HttpError(413, "errors:body.tooLarge");
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return error;
  return new HttpError(400, "errors:body.unreadable");
}

/** Checks what a received file really is; images are re-encoded (display version and thumbnail) on the way. */
async function inspect(file: MultipartFile, uploadsDir: string, created: Set<string>, allowEmpty = false): Promise<ReceivedUpload> {
  const originalName = displayName(file.originalname);
  if (file.size === 0 && !allowEmpty) throw new HttpError(422, "attachments:errors.empty");
  // An empty file (only where a module takes them: a document created before its bytes) has no type to sniff.
  const mime = file.size === 0 ? emptyFileType(originalName) : await acceptedTypeOf(file.path, originalName);
  if (!mime) throw new HttpError(415, "attachments:errors.type");
  const upload: ReceivedUpload = { tempPath: file.path, originalName, mime, size: file.size, width: null, height: null, thumbnailTempPath: null, uploadsDir, storedPaths: [] };
  if (!isImageType(mime)) return upload;
  const display = temporaryPath(uploadsDir);
  const thumbnail = temporaryPath(uploadsDir);
  created.add(display).add(thumbnail);
  try {
    const image = await processImage(file.path, mime, display, thumbnail);
    await removeQuietly([file.path]);
    return { ...upload, tempPath: display, thumbnailTempPath: thumbnail, size: image.size, width: image.width, height: image.height };
  } catch (error) {
    throw error instanceof UnreadableImageError ? new HttpError(422, "attachments:errors.image") : error;
  }
}

/** Bytes a module made or fetched, as a form's file: written to a temporary file within the size limit, then checked by inspect. */
export async function receiveBytes(config: Config, source: { name: string; data: Buffer | Readable }, maxBytes?: number, allowEmpty = false): Promise<ReceivedUpload> {
  const uploadsDir = config.uploadsDir;
  await mkdir(temporaryDirectory(uploadsDir), { recursive: true });
  const target = temporaryPath(uploadsDir);
  const created = new Set([target]);
  const limit = maxBytes ?? config.uploadLimitMb * 1024 * 1024;
  let size = 0;
  try {
    await pipeline(
      Buffer.isBuffer(source.data) ? Readable.from([source.data]) : source.data,
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          size += chunk.length;
          if (size > limit) throw new HttpError(413, "attachments:errors.tooLarge");
          yield chunk;
        }
      },
      createWriteStream(target, { flags: "wx", mode: 0o600 }),
    );
    return await inspect({ path: target, originalname: source.name, size }, uploadsDir, created, allowEmpty);
  } catch (error) {
    await removeQuietly(created);
    throw error;
  }
}

const receivedByRequest = new WeakMap<object, ReceivedUpload[]>();

function temporaryPathsOf(uploads: ReceivedUpload[]) {
  return uploads.flatMap((upload) => [upload.tempPath, upload.thumbnailTempPath]);
}

/** Waits for the writes still open (a client that went away mid-file), but never forever. */
function settled(closing: Promise<void>[]) {
  return Promise.race([Promise.allSettled(closing), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
}

/** A module's own limits for one form (host.files.receive): a larger per-file size, more files. */
export interface ReceiveLimits {
  /** Bytes one file may have; default the site's AGORA_UPLOAD_LIMIT_MB. */
  maxFileBytes?: number;
  /** Files one form may carry; default maxFilesPerForm. */
  maxFiles?: number;
  /** Accept files of 0 bytes (refused by default: an empty attachment is a mistake; an empty document is not). */
  allowEmpty?: boolean;
}

/**
 * Reads a multipart form: fields into ctx.state.body, files (field "files") streamed to uploads/tmp
 * and sniffed. A refused file is a 413/415/422 with nothing left behind. Whatever was received and not
 * attached by the end of the response is deleted then; call discardUploads to delete it sooner.
 */
export async function receiveForm(ctx: AppContext, config: Config, limits: ReceiveLimits = {}): Promise<ReceivedUpload[]> {
  if (!ctx.is("multipart")) return [];
  const uploadsDir = config.uploadsDir;
  await mkdir(temporaryDirectory(uploadsDir), { recursive: true });
  await sweepStaleTemporaryFiles(uploadsDir);
  const created = new Set<string>();
  const closing: Promise<void>[] = [];
  let request: MultipartRequest;
  try {
    const maxFileBytes = limits.maxFileBytes ?? config.uploadLimitMb * 1024 * 1024;
    request = await readMultipart(ctx, temporaryStorage(uploadsDir, created, closing), maxFileBytes, limits.maxFiles ?? maxFilesPerForm);
  } catch (error) {
    // Multer stops at the refused part: the fields before it are parsed, and the form shows them again.
    ctx.state.body = { ...(ctx.req as MultipartRequest).body };
    await settled(closing);
    await removeQuietly(created);
    throw refusal(error);
  }
  ctx.state.body = { ...request.body };
  const uploads: ReceivedUpload[] = [];
  try {
    for (const file of request.files ?? []) uploads.push(await inspect(file, uploadsDir, created, limits.allowEmpty));
  } catch (error) {
    await removeQuietly(created);
    throw error;
  }
  receivedByRequest.set(ctx, uploads);
  // A caller that forgets to attach or discard (a refused form, an exception) still leaves no temporary file.
  ctx.res.once("close", () => void removeQuietly(temporaryPathsOf(uploads)));
  return uploads;
}

/** A refused form as a route shows it again: the 4xx to answer, and the reason next to the file field. */
export interface UploadRefusal {
  status: number;
  errors: { files: string };
}

/**
 * receiveForm for a form that comes back filled in when a file is refused (too big, too many, a type
 * we do not take): the refusal is returned, not thrown, and ctx.state.body holds the fields parsed
 * before it (forms put their file input last, so the text is there). Nothing is left on disk.
 */
export async function receiveFormOrRefusal(ctx: AppContext, config: Config): Promise<{ uploads: ReceivedUpload[]; refusal: UploadRefusal | null }> {
  try {
    return { uploads: await receiveForm(ctx, config), refusal: null };
  } catch (error) {
    if (!(error instanceof HttpError) || error.status >= 500) throw error;
    return { uploads: [], refusal: { status: error.status, errors: { files: error.messageKey } } };
  }
}

/**
 * Moves received files to their final place (the uploads dir, or the bucket when AGORA_S3_* is set) and
 * records them on a content or comment, inside the write's transaction. For a comment, contentId is the comment's content: reading the file is
 * reading that content. When the transaction fails, the caller must call discardUploads.
 */
export async function attachUploads(transaction: Transaction, target: { contentId: number; commentId?: number | null; uploaderId: number }, uploads: ReceivedUpload[]): Promise<void> {
  if (uploads.length === 0) return;
  const rows = [];
  for (const upload of uploads) {
    const fields = await fileBackendFor(upload.uploadsDir).store(upload);
    rows.push({ contentId: target.contentId, commentId: target.commentId ?? null, uploaderId: target.uploaderId, ...fields });
  }
  await Attachment.bulkCreate(rows, { transaction });
}

/** Deletes received files that will not be attached (the write failed or was refused), wherever they are by now. */
export async function discardUploads(uploads: ReceivedUpload[]): Promise<void> {
  await removeQuietly([...temporaryPathsOf(uploads), ...uploads.flatMap((upload) => upload.storedPaths)]);
  // Objects put in a bucket: each upload's own storage, quietly.
  await Promise.all(uploads.filter((upload) => upload.storedKeys?.length).map((upload) => fileBackendFor(upload.uploadsDir).remove(upload.storedKeys!)));
}

/** Discards what receiveForm received for this request: for a route that refuses the form after reading it. */
export async function discardReceivedUploads(ctx: AppContext): Promise<void> {
  await discardUploads(receivedByRequest.get(ctx) ?? []);
}
