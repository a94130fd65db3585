import { createReadStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from "@aws-sdk/client-s3";
import type { Config, ObjectStorageConfig } from "../../../config/index.ts";
import type { ReceivedUpload } from "./received-upload.ts";
import type { Attachment } from "../../models/attachment.ts";
import { ensureDirectoryOf, newStorageKey, removeQuietly, storedPath } from "./storage.ts";

/** Moves one file to its final key; the path is recorded first, so a discard after any failure finds it. */
async function place(upload: ReceivedUpload, from: string, key: string) {
  const destination = storedPath(upload.uploadsDir, key)!;
  await ensureDirectoryOf(destination);
  upload.storedPaths.push(destination);
  await rename(from, destination);
}

/** What a stored file's row records (an attachment's, a module file's): its keys and what the file is. */
export type StoredFileFields = Pick<Attachment, "storageKey" | "thumbnailKey" | "originalName" | "mime" | "size" | "width" | "height">;

/** Moves a received file (and an image's thumbnail) to new keys, under a module's own folder when given: the fields of its row. */
export async function storeUpload(upload: ReceivedUpload, moduleId?: string): Promise<StoredFileFields> {
  const storageKey = newStorageKey(new Date(), moduleId);
  const thumbnailKey = upload.thumbnailTempPath ? newStorageKey(new Date(), moduleId) : null;
  await place(upload, upload.tempPath, storageKey);
  if (thumbnailKey) await place(upload, upload.thumbnailTempPath!, thumbnailKey);
  const { originalName, mime, size, width, height } = upload;
  return { storageKey, thumbnailKey, originalName, mime, size, width, height };
}

/** A stored file's bytes as a download reads them: its size, when it was written, and any byte range of it. */
export interface StoredBytes {
  size: number;
  modified: Date;
  read(start: number, end: number): Promise<Readable>;
}

/**
 * Where stored files' bytes live (posts' and comments' attachments, modules' files through host.files): the
 * uploads dir on disk by default, an S3-compatible bucket when AGORA_S3_BUCKET is set. Keys are the storage's
 * own ("<yyyy>/<mm>/<uuid>", "modules/<id>/<yyyy>/<mm>/<uuid>"), never a name.
 */
export interface FileBackend {
  readonly kind: "disk" | "s3";
  /**
   * Moves a received file (and an image's thumbnail) to new keys, under a module's folder when given: the fields
   * of its row. Nothing is left behind when it fails; discardUploads(upload) removes what it stored.
   */
  store(upload: ReceivedUpload, moduleId?: string): Promise<StoredFileFields>;
  /** The bytes under a key, or null when there are none (a forged key included). */
  bytes(key: string): Promise<StoredBytes | null>;
  /** The whole file as a stream, or null when missing. */
  open(key: string): Promise<Readable | null>;
  /** Deletes the keys' bytes, quietly: a failed clean-up must not hide the error that caused it. */
  remove(keys: Iterable<string | null | undefined>): Promise<void>;
}

export function diskBackend(uploadsDir: string): FileBackend {
  const pathOf = (key: string) => storedPath(uploadsDir, key);
  return {
    kind: "disk",
    store: (upload, moduleId) => storeUpload(upload, moduleId),
    async bytes(key) {
      const file = pathOf(key);
      const info = file ? await stat(file).catch(() => null) : null;
      if (!file || !info?.isFile()) return null;
      return { size: info.size, modified: info.mtime, read: async (start, end) => createReadStream(file, { start, end }) };
    },
    async open(key) {
      const file = pathOf(key);
      if (!file) return null;
      const stream = createReadStream(file);
      // Opened before it is handed out: a missing file is null, not an error in the middle of a download.
      return new Promise<Readable | null>((resolve) => {
        stream.once("open", () => resolve(stream));
        stream.once("error", () => resolve(null));
      });
    },
    remove: (keys) => removeQuietly([...keys].map((key) => (key ? pathOf(key) : null))),
  };
}

function isMissing(error: unknown) {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (error as { name?: string }).name;
  return status === 404 || name === "NotFound" || name === "NoSuchKey";
}

/** Bytes of one part of a multipart upload, and parts sent at once. */
export const multipartLimits = { partBytes: 8 * 1024 * 1024, parallel: 2, attempts: 3 };

export function s3Backend(uploadsDir: string, settings: ObjectStorageConfig): FileBackend {
  const options = {
    region: settings.region,
    endpoint: settings.endpoint || undefined,
    forcePathStyle: settings.forcePathStyle,
    credentials: settings.accessKeyId ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey ?? "" } : undefined,
    // Checksums only where S3 requires one (DeleteObjects): a streamed body is then sent as it is read, never
    // held in memory to be summed (nor re-encoded in aws-chunked frames that some S3-compatible servers misread).
    requestChecksumCalculation: "WHEN_REQUIRED" as const,
  };
  const client = new S3Client(options);
  // Bodies read from a file cannot be sent twice by the SDK's own retries: parts are retried here, each with a new stream.
  // (The SDK's warning that it does not retry a streamed body is then expected: silenced.)
  const quiet = () => undefined;
  const writer = new S3Client({ ...options, maxAttempts: 1, logger: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
  const Bucket = settings.bucket;
  // Only keys the storage makes are ever sent (the same check as on disk): a forged key reaches no object.
  const objectKey = (key: string) => (storedPath(uploadsDir, key) ? `${settings.prefix}${key}` : null);

  /** Sends a byte range of a local file, read as it goes (a new stream for each attempt). */
  async function sendRange<T>(from: string, start: number, length: number, send: (body: Readable) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const body = createReadStream(from, length > 0 ? { start, end: start + length - 1 } : {});
      try {
        return await send(body);
      } catch (error) {
        body.destroy();
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 500;
        if (attempt >= multipartLimits.attempts || (status >= 400 && status < 500)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  /**
   * Streams a local file to a new object: one PUT up to 8 MB, above that a multipart upload in parts of 8 MB,
   * two at a time, each read from the file as it is sent (never a part, let alone the file, in memory);
   * aborted when a part fails, so no part stays in the bucket.
   */
  async function put(from: string, key: string, contentType: string) {
    const Key = objectKey(key)!;
    const size = (await stat(from)).size;
    const { partBytes, parallel } = multipartLimits;
    if (size <= partBytes) {
      await sendRange(from, 0, size, (Body) => writer.send(new PutObjectCommand({ Bucket, Key, Body, ContentLength: size, ContentType: contentType })));
      return;
    }
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType: contentType }));
    try {
      const parts: CompletedPart[] = [];
      const count = Math.ceil(size / partBytes);
      for (let first = 1; first <= count; first += parallel) {
        const numbers = Array.from({ length: Math.min(parallel, count - first + 1) }, (_, index) => first + index);
        // Settled, not raced: no part is still on its way when a failure aborts the upload.
        const sent = await Promise.allSettled(
          numbers.map((PartNumber) => {
            const start = (PartNumber - 1) * partBytes;
            const length = Math.min(partBytes, size - start);
            return sendRange(from, start, length, (Body) => writer.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body, ContentLength: length })));
          }),
        );
        for (const [index, result] of sent.entries()) {
          if (result.status === "rejected") throw result.reason;
          parts.push({ PartNumber: numbers[index], ETag: result.value.ETag });
        }
      }
      await client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (error) {
      await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
      throw error;
    }
  }

  const backend: FileBackend = {
    kind: "s3",
    async store(upload, moduleId) {
      const storageKey = newStorageKey(new Date(), moduleId);
      const thumbnailKey = upload.thumbnailTempPath ? newStorageKey(new Date(), moduleId) : null;
      // Recorded first: a write that fails after this (its transaction) still finds the objects to delete.
      (upload.storedKeys ??= []).push(...[storageKey, thumbnailKey].filter((key): key is string => Boolean(key)));
      try {
        await put(upload.tempPath, storageKey, upload.mime);
        if (thumbnailKey) await put(upload.thumbnailTempPath!, thumbnailKey, "image/webp");
      } catch (error) {
        await backend.remove([storageKey, thumbnailKey]);
        throw error;
      }
      // The bytes are in the bucket: the temporary copies go now.
      await Promise.all([upload.tempPath, upload.thumbnailTempPath].filter((file): file is string => Boolean(file)).map((file) => rm(file, { force: true }).catch(() => undefined)));
      const { originalName, mime, size, width, height } = upload;
      return { storageKey, thumbnailKey, originalName, mime, size, width, height };
    },
    async bytes(key) {
      const Key = objectKey(key);
      if (!Key) return null;
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket, Key }));
        return {
          size: Number(head.ContentLength ?? 0),
          modified: head.LastModified ?? new Date(0),
          read: async (start, end) => (await client.send(new GetObjectCommand({ Bucket, Key, Range: `bytes=${start}-${end}` }))).Body as Readable,
        };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async open(key) {
      const Key = objectKey(key);
      if (!Key) return null;
      try {
        return (await client.send(new GetObjectCommand({ Bucket, Key }))).Body as Readable;
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async remove(keys) {
      const Objects = [...keys].flatMap((key) => {
        const Key = key ? objectKey(key) : null;
        return Key ? [{ Key }] : [];
      });
      for (let i = 0; i < Objects.length; i += 1000) {
        await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: Objects.slice(i, i + 1000), Quiet: true } })).catch(() => undefined);
      }
    },
  };
  return backend;
}

const backends = new WeakMap<Config, FileBackend>();
const backendsByUploadsDir = new Map<string, FileBackend>();

/** The app's file backend, made once per config (one S3 client per app). */
export function fileBackendOf(config: Config): FileBackend {
  let backend = backends.get(config);
  if (!backend) {
    backend = config.objectStorage ? s3Backend(config.uploadsDir, config.objectStorage) : diskBackend(config.uploadsDir);
    backends.set(config, backend);
    backendsByUploadsDir.set(config.uploadsDir, backend);
  }
  return backend;
}

/**
 * The backend of the app whose uploads dir this is, for code that holds only that (a received upload, the
 * removal of attachments): the app made it at start (fileBackendOf); the disk when no app did.
 */
export function fileBackendFor(uploadsDir: string): FileBackend {
  return backendsByUploadsDir.get(uploadsDir) ?? diskBackend(uploadsDir);
}
