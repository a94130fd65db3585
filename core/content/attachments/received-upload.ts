// A leaf of its own: the content API's types name it, and they sit where uploads.ts must not be imported.

/** A file received with a form, already on disk under a random temporary name and sniffed. */
export interface ReceivedUpload {
  tempPath: string;
  originalName: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  thumbnailTempPath: string | null;
  uploadsDir: string;
  /** Final paths attachUploads moved the files to: discardUploads removes them too when the write fails. */
  storedPaths: string[];
  /** Keys stored in an S3-compatible bucket (AGORA_S3_*) instead: discardUploads removes those objects too. */
  storedKeys?: string[];
}
