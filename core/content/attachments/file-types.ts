import { createReadStream } from "node:fs";
import { fileTypeFromFile } from "file-type";

/** What an accepted file is, for the reader: decides the label shown next to it. */
export type FileKind = "image" | "video" | "pdf" | "document" | "spreadsheet" | "presentation" | "text";

/** An attachment as templates show it (stream/entry-macros.njk). */
export interface AttachmentView {
  id: number;
  name: string;
  mime: string;
  kind: FileKind;
  isImage: boolean;
  /** An MP4 or WebM video: played in the page (a <video> element; the file route answers byte ranges). */
  isVideo: boolean;
  /** The size in the unit a reader expects: size.unit is a key of attachments:size. */
  size: { bytes: number; value: number; unit: "bytes" | "kb" | "mb" };
  url: string;
  thumbnailUrl: string | null;
  thumbnail: { width: number; height: number } | null;
  /** An image's display version (what /files/<id>/<name> sends), for the viewer and a post's one large image. */
  full: { width: number; height: number } | null;
  /** An image alone on a post: its size in the page (the display version fitted in the large box, never enlarged). */
  large: { width: number; height: number } | null;
}

/**
 * Accepted types, as sniffed from the bytes (never from the name or what the browser claims).
 * No SVG or HTML (they can carry scripts), no macro-enabled office files, no archives or executables.
 */
const sniffedTypes: Record<string, FileKind> = {
  "image/jpeg": "image",
  "image/png": "image",
  "image/gif": "image",
  "image/webp": "image",
  // Played by every current browser; QuickTime (.mov) and Matroska (.mkv) are not, so they are refused.
  "video/mp4": "video",
  "video/webm": "video",
  "application/pdf": "pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "document",
  "application/vnd.oasis.opendocument.text": "document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "spreadsheet",
  "application/vnd.oasis.opendocument.spreadsheet": "spreadsheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "presentation",
  "application/vnd.oasis.opendocument.presentation": "presentation",
};

/** Text has no signature: it is accepted only under a text file's name and when its bytes really are plain text. */
const textTypes: Record<string, string> = { txt: "text/plain", text: "text/plain", md: "text/plain", log: "text/plain", csv: "text/csv" };

/** For the file picker: a hint to the browser, the server still checks every byte. */
export const acceptedFileHint = "image/jpeg,image/png,image/gif,image/webp,video/mp4,video/webm,application/pdf,.pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp,.txt,.md,.csv";

export function kindOf(mime: string): FileKind {
  return sniffedTypes[mime] ?? "text";
}

export function isImageType(mime: string) {
  return sniffedTypes[mime] === "image";
}

/** Types a browser may show in the page rather than download: images and videos (never scripts or markup). */
export function isInlineType(mime: string) {
  return sniffedTypes[mime] === "image" || sniffedTypes[mime] === "video";
}

/** The file's real type if it is one we accept, else null. */
export async function acceptedTypeOf(file: string, originalName: string): Promise<string | null> {
  const detected = await fileTypeFromFile(file);
  if (detected) return sniffedTypes[detected.mime] ? detected.mime : null;
  const extension = /\.([a-z0-9]{1,8})$/i.exec(originalName)?.[1].toLowerCase() ?? "";
  const textType = textTypes[extension];
  return textType && (await isPlainText(file)) ? textType : null;
}

/**
 * The type recorded for an empty file a module chose to accept (host.files with allowEmpty): a text type by
 * its name, else plain bytes. Nothing in it can be sniffed, and nothing in it can run.
 */
export function emptyFileType(originalName: string): string {
  const extension = /\.([a-z0-9]{1,8})$/i.exec(originalName)?.[1].toLowerCase() ?? "";
  return textTypes[extension] ?? "application/octet-stream";
}

/** Markup sent as text is refused rather than stored: it is what a disguised page or image looks like. */
const markupStart = /^\s*<(!doctype|html|head|body|script|svg|\?xml|iframe|object|meta)\b/i;

/** Valid UTF-8, no NUL byte (binary), not a web page: read as a stream, the file is never held whole in memory. */
export async function isPlainText(file: string): Promise<boolean> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  let start = "";
  try {
    for await (const chunk of createReadStream(file)) {
      const bytes = chunk as Buffer;
      if (bytes.includes(0)) return false;
      const text = decoder.decode(bytes, { stream: true });
      if (start.length < 1024) start += text.slice(0, 1024);
    }
    decoder.decode();
  } catch {
    return false;
  }
  return !markupStart.test(start);
}
