import yauzl from "yauzl";

// Reading office files' words (they are zips of XML parts). Pure code, no host: it runs in the extraction
// worker (extract-worker.ts), where a hostile file can only exhaust that worker.

/** Bytes of XML read from inside one office file at most (a zip bomb stops there). */
export const officeXmlBytes = 8 * 1024 * 1024;

export const officeParts: Record<string, RegExp> = {
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": /^word\/(document|header\d*|footer\d*|footnotes)\.xml$/,
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": /^xl\/(sharedStrings\.xml|worksheets\/sheet\d+\.xml)$/,
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": /^ppt\/slides\/slide\d+\.xml$/,
  "application/vnd.oasis.opendocument.text": /^content\.xml$/,
  "application/vnd.oasis.opendocument.spreadsheet": /^content\.xml$/,
  "application/vnd.oasis.opendocument.presentation": /^content\.xml$/,
};

export class TooLarge extends Error {}

/** Reads a stream whole, refusing past `limit` bytes (a zip bomb's part, a huge file). */
export async function readAll(stream: NodeJS.ReadableStream & { destroy(): void }, limit: number): Promise<Buffer> {
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

/** The parts of an office file (a zip) that hold its text, read within officeXmlBytes, in order. */
export function officeText(file: Buffer, parts: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error("unreadable"));
      const texts: string[] = [];
      let budget = officeXmlBytes;
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
