import type { IncomingMessage, ServerResponse } from "node:http";
import multer from "multer";
import type { AppContext } from "../http/context.ts";
import { photoMaxBytes } from "./avatars.ts";

// In memory: a refused or failed upload never touches the disk; the size limit makes busboy stop reading early.
// Plain multer behind a promise: @koa/multer's type declarations widen Koa's context for the whole program.
const multerUpload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: photoMaxBytes, files: 1, fields: 5, fieldSize: 1_000, parts: 6 },
}).single("photo") as unknown as (req: IncomingMessage, res: ServerResponse, done: (error?: unknown) => void) => void;

type UploadedRequest = IncomingMessage & { file?: { buffer: Buffer; originalname: string } };

/** Reads the photo form: its bytes, or the translation key and status of why it was refused. */
export async function receivePhoto(ctx: AppContext): Promise<{ bytes: Buffer } | { status: number; error: string }> {
  if (!ctx.is("multipart")) return { status: 400, error: "profile:photo.errors.missing" };
  let request: UploadedRequest;
  try {
    request = await new Promise((resolve, reject) => multerUpload(ctx.req, ctx.res, (error) => (error ? reject(error) : resolve(ctx.req as UploadedRequest))));
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === "LIMIT_FILE_SIZE" ? { status: 413, error: "profile:photo.errors.tooLarge" } : { status: 400, error: "profile:photo.errors.form" };
  }
  // A form sent with no file chosen still has an empty, nameless file part.
  const file = request.file;
  return file && (file.buffer.length > 0 || file.originalname) ? { bytes: file.buffer } : { status: 422, error: "profile:photo.errors.missing" };
}
