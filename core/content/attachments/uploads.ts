import type { Transaction } from "sequelize";
import type { Config } from "../../../config/index.ts";
import type { AppContext } from "../../http/context.ts";
import { HttpError } from "../../http/errors.ts";

/** A file received with a form, already on disk under a random temporary name and sniffed. */
export interface ReceivedUpload {
  tempPath: string;
  originalName: string;
  mime: string;
  size: number;
}

/**
 * Reads a multipart form (fields into ctx.state.body, files streamed to disk); a refused file is a 4xx
 * with nothing left behind. Not built yet: multipart forms are refused (see the stream issue).
 */
export async function receiveForm(ctx: AppContext, _config: Config): Promise<ReceivedUpload[]> {
  if (ctx.is("multipart")) throw new HttpError(415);
  return [];
}

/** Moves received files to their final place and records them on a content or comment, inside the write's transaction. */
export async function attachUploads(_transaction: Transaction, _target: { contentId: number; commentId?: number | null; uploaderId: number }, uploads: ReceivedUpload[]): Promise<void> {
  if (uploads.length) throw new Error("attachments are not built yet");
}

/** Deletes received files that will not be attached (the write failed or was refused). */
export async function discardUploads(_uploads: ReceivedUpload[]): Promise<void> {}
