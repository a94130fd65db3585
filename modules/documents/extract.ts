import yauzl from "yauzl";
import type { Host } from "../../core/sdk/index.ts";
import { pdfText } from "./pdf.ts";
import { headOf } from "./preview.ts";

/** Bounds of one extraction: bytes read from the file (and from inside an office file), characters kept, time. */
export const extractLimits = { fileBytes: 20 * 1024 * 1024, xmlBytes: 8 * 1024 * 1024, characters: 200_000, ms: 20_000 };

const officeParts: Record<string, RegExp> = {
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": /^word\/(document|header\d*|footer\d*|footnotes)\.xml$/,
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": /^xl\/(sharedStrings\.xml|worksheets\/sheet\d+\.xml)$/,
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": /^ppt\/slides\/slide\d+\.xml$/,
  "application/vnd.oasis.opendocument.text": /^content\.xml$/,
  "application/vnd.oasis.opendocument.spreadsheet": /^content\.xml$/,
  "application/vnd.oasis.opendocument.presentation": /^content\.xml$/,
};

class TooLarge extends Error {}

/** Reads a stream whole, refusing past `limit` bytes (a zip bomb's part, a huge file). */
async function readAll(stream: NodeJS.ReadableStream & { destroy(): void }, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.destroy();
      throw new TooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Office XML to its words: paragraphs and cells on their own lines, tags dropped, entities decoded. */
export function xmlText(xml: string): string {
  return xml
    .replace(/<\/(w:p|a:p|text:p|text:h|c|si|row|table:table-cell)>/g, "\n")
    .replace(/<(w:tab|text:tab|w:br|text:line-break)\b[^>]*\/>/g, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_, code: string) =>
      code.startsWith("#x") ? String.fromCodePoint(parseInt(code.slice(2), 16)) : code.startsWith("#") ? String.fromCodePoint(Number(code.slice(1))) : entities[code.toLowerCase()],
    )
    .replace(/[ \t]+/g, " ")
    .replace(/\n\s*\n+/g, "\n")
    .trim();
}

/** The parts of an office file (a zip) that hold its text, read within the limits, in order. */
function officeText(file: Buffer, parts: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error("unreadable"));
      const texts: string[] = [];
      let budget = extractLimits.xmlBytes;
      zip.on("error", reject);
      zip.on("end", () => resolve(texts.join("\n")));
      zip.on("entry", (entry: yauzl.Entry) => {
        if (!parts.test(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (openError, stream) => {
          if (openError || !stream) return reject(openError ?? new Error("unreadable"));
          readAll(stream, budget).then((xml) => {
            budget -= xml.length;
            texts.push(xmlText(xml.toString("utf8")));
            zip.readEntry();
          }, reject);
        });
      });
      zip.readEntry();
    });
  });
}

/**
 * The searchable text of a stored file: plain text as it is, the words of Word, Excel, PowerPoint and
 * OpenDocument files, the text of PDFs' first 50 pages; null for other types or past the limits of size and time.
 */
export async function extractText(host: Host, fileId: number, mime: string): Promise<string | null> {
  const isText = mime === "text/plain" || mime === "text/csv";
  const parts = officeParts[mime];
  if (mime === "application/pdf") return (await withPdf(host, fileId, pdfText)) ?? null;
  if (!isText && !parts) return null;
  const stream = await host.files.open(fileId);
  if (!stream) return null;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => {
      stream.destroy();
      resolve(null);
    }, extractLimits.ms);
  });
  try {
    const work = (async () => {
      // Text: its beginning only. Office files: whole (they are zips, read from their end), when not too large.
      if (isText) return new TextDecoder("utf-8").decode((await headOf(stream, extractLimits.characters * 4)).bytes).slice(0, extractLimits.characters);
      const bytes = await readAll(stream, extractLimits.fileBytes).catch((error: unknown) => {
        if (error instanceof TooLarge) return null;
        throw error;
      });
      const text = bytes ? await officeText(bytes, parts!).catch(() => null) : null;
      return text === null ? null : text.slice(0, extractLimits.characters);
    })();
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `work` on a stored PDF's bytes within the limits (20 MB of file, 20 seconds); undefined when the file
 * is too large, unreadable, or the time ran out (a broken or hostile PDF costs a bounded effort).
 */
export async function withPdf<T>(host: Host, fileId: number, work: (bytes: Buffer) => Promise<T>): Promise<T | undefined> {
  const stream = await host.files.open(fileId);
  if (!stream) return undefined;
  const bytes = await readAll(stream, extractLimits.fileBytes).catch(() => null);
  if (!bytes) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), extractLimits.ms)));
  try {
    return await Promise.race([work(bytes).catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
