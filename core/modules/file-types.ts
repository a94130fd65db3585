import type { Readable } from "node:stream";
import type { Transaction } from "sequelize";
import type { AppContext } from "../http/context.ts";
import type { Content } from "../models/content.ts";
import type { User } from "../models/user.ts";
import type { ReceivedUpload } from "../content/attachments/received-upload.ts";

// Kept apart from types.ts, which sits among the registry's imports: the file storage imports only this.

/** A file a module stored (host.files.put): what it is, never where it is on disk. */
export interface StoredFile {
  id: number;
  /** The name it came with, cleaned for display and for the download's name. */
  name: string;
  /** Sniffed from the bytes, as Content-Type is sent. */
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
  contentId: number | null;
  createdAt: Date;
}

/** Bytes a module made or fetched: a buffer or a stream, with the name to give them and, if known, their type. */
export interface FileSource {
  name: string;
  data: Buffer | Readable;
  /** When given, the sniffed type must be this one, or the file is refused (415). */
  type?: string;
}

export interface FilePutOptions {
  /** The content the file belongs to: served only while the reader may read that content, removed when it is deleted for good. */
  content?: Pick<Content, "id"> | null;
  uploader?: Pick<User, "id"> | null;
  /** The row is written in it; if it rolls back, call remove(file) to take the bytes off the disk too. */
  transaction?: Transaction;
  /** Fewer types than core accepts (e.g. images only); anything else is a 415. */
  types?: readonly string[];
}

export interface FileSendOptions {
  /** Always as a download, even an image. */
  download?: boolean;
  /** An image's thumbnail (WebP) instead of the file. */
  thumbnail?: boolean;
  /** The module's own entity tag for these bytes (a document version's, shown in WebDAV listings too), instead of core's. */
  etag?: string;
}

/**
 * A module's files (host.files), stored under uploads/modules/<module id>/ with the size limit and type
 * checks of attachments. See docs/modules.md, "Files".
 */
export interface ModuleFiles {
  /**
   * Reads a multipart form: its fields into ctx.state.body, its files (input name "files") checked; refused files are a 413/415/422.
   * `limits` sets this form's own per-file size (bytes) and file count instead of the site's (a documents area takes larger files);
   * `allowEmpty` accepts files of 0 bytes (refused by default, 422), recorded as text by a text name or as plain bytes.
   */
  receive(ctx: AppContext, limits?: { maxFileBytes?: number; maxFiles?: number; allowEmpty?: boolean }): Promise<ReceivedUpload[]>;
  /**
   * Streams a raw request body (a WebDAV PUT) to a temporary file, sniffed like a form's file: 413 past
   * maxFileBytes (default the site's upload limit) with nothing left; an empty body only with allowEmpty. Hand it to put(); if not, call discard().
   */
  receiveStream(source: { name: string; data: Readable }, limits?: { maxFileBytes?: number; allowEmpty?: boolean }): Promise<ReceivedUpload>;
  /** Deletes received uploads that were not stored (their temporary files). */
  discard(uploads: ReceivedUpload[]): Promise<void>;
  /** Stores a received upload or bytes; refused ones are a 413/415/422 with nothing left on disk. */
  put(source: ReceivedUpload | FileSource, options?: FilePutOptions): Promise<StoredFile>;
  /** One of this module's files, or null. */
  get(id: number, options?: { transaction?: Transaction }): Promise<StoredFile | null>;
  /**
   * Streams one of this module's files to the reader after the module checked its own rule: a file of a
   * content is also checked against the reader's right to that content (a deleted one is never served).
   * Answers 304, 206 ranges and 416 (http/send-file.ts); 404 for anything missing or refused.
   */
  send(ctx: AppContext, file: StoredFile | number, options?: FileSendOptions): Promise<void>;
  /**
   * The bytes of one of this module's files as a stream, for a module that passes them on itself (a ZIP of a
   * folder): no permission check, so the module checks its own rule first; null when the file is missing.
   */
  open(file: StoredFile | number): Promise<Readable | null>;
  /** Deletes the row (in the transaction when given) and the bytes (after the commit). */
  remove(file: StoredFile | number, options?: { transaction?: Transaction }): Promise<void>;
}
