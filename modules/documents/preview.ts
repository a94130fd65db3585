import { renderMarkdown, type Host } from "../../core/sdk/index.ts";
import type { Document, Version } from "./models.ts";

/** The most of a text file shown in its page: a preview, never the whole of a large file in memory. */
export const previewBytes = 100 * 1024;

export type Preview = { kind: "image" } | { kind: "pdf" } | { kind: "video" } | { kind: "text"; text: string; isCut: boolean } | { kind: "markdown"; html: string; isCut: boolean } | null;

/** Reads at most `limit` bytes of a stream, then lets it go. */
export async function headOf(stream: NodeJS.ReadableStream & { destroy(): void }, limit: number): Promise<{ bytes: Buffer; isCut: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let isCut = false;
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    chunks.push(bytes);
    size += bytes.length;
    if (size > limit) {
      isCut = true;
      break;
    }
  }
  stream.destroy();
  return { bytes: Buffer.concat(chunks).subarray(0, limit), isCut };
}

/**
 * What a document's page shows of its current version: images (their thumbnail) and videos in the page,
 * text in a <pre>, Markdown rendered and sanitised like a post; the first 100 KB only.
 */
export async function previewOf(host: Host, document: Document, version: Version): Promise<Preview> {
  if (version.hasThumbnail) return { kind: "image" };
  if (version.previewFileId) return { kind: "pdf" };
  if (version.mime === "video/mp4" || version.mime === "video/webm") return { kind: "video" };
  if (version.mime !== "text/plain" && version.mime !== "text/csv") return null;
  const stream = await host.files.open(version.fileId);
  if (!stream) return null;
  const { bytes, isCut } = await headOf(stream, previewBytes);
  // A cut may fall inside a character: the decoder replaces the broken end.
  const text = new TextDecoder("utf-8").decode(bytes);
  if (/\.(md|markdown)$/i.test(document.name)) return { kind: "markdown", html: renderMarkdown(text), isCut };
  return { kind: "text", text, isCut };
}
