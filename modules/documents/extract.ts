import type { Host } from "../../core/sdk/index.ts";
import { extractInWorker, type Extracted } from "./isolated.ts";
import { officeParts, readAll, TooLarge } from "./office.ts";
import { headOf } from "./preview.ts";

/** Bounds of one extraction: bytes read from the file, characters kept (time and memory: isolated.ts's workerLimits). */
export const extractLimits = { fileBytes: 20 * 1024 * 1024, characters: 200_000 };

const isText = (mime: string) => mime === "text/plain" || mime === "text/csv";

/**
 * The searchable text of a stored file, and a PDF's first page as a PNG: plain text as it is (its beginning),
 * the words of Word, Excel, PowerPoint and OpenDocument files and the text of PDFs' first 50 pages read in a
 * worker thread with a capped heap and a clock (isolated.ts). Null text for other types, past the limits, or
 * when the worker ran out of memory or time: the file then has no text and no preview, and the server goes on.
 */
export async function extractFile(host: Host, fileId: number, mime: string, options: { page: boolean }): Promise<Extracted> {
  const none: Extracted = { text: null, page: null, failure: null };
  if (!isText(mime) && !officeParts[mime] && mime !== "application/pdf") return none;
  const stream = await host.files.open(fileId);
  if (!stream) return none;
  if (isText(mime)) {
    const { bytes } = await headOf(stream, extractLimits.characters * 4);
    return { ...none, text: new TextDecoder("utf-8").decode(bytes).slice(0, extractLimits.characters) };
  }
  // Office files are zips, read from their end: whole, when not too large. So are PDFs (their table at the end).
  const bytes = await readAll(stream, extractLimits.fileBytes).catch((error: unknown) => {
    stream.destroy();
    if (error instanceof TooLarge) return null;
    throw error;
  });
  if (!bytes) return none;
  return extractInWorker({ mime, bytes, characters: extractLimits.characters, page: options.page && mime === "application/pdf" });
}
