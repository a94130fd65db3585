import { HttpError, type AppContext, type Host } from "../../core/sdk/index.ts";

/** Files one upload form takes. */
export const maxFilesPerUpload = 20;

/**
 * host.files.receive for the upload form, with the documents' own message when too many files come (core's
 * names the limit of posts' attachments, not this one).
 */
export async function receiveUploads(host: Host, ctx: AppContext, limits: Parameters<Host["files"]["receive"]>[1]) {
  try {
    return await host.files.receive(ctx, limits);
  } catch (error) {
    if (error instanceof HttpError && error.messageKey === "attachments:errors.tooMany") throw new HttpError(413, "documents:errors.tooManyFiles");
    throw error;
  }
}
