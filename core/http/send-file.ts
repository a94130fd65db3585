import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { AppContext } from "./context.ts";
import { notFound } from "./errors.ts";

/** A stored file as a route sends it, once the reader's right to it was checked. */
export interface FileToSend {
  /** Where it is on disk, or null when it has no file (a 404, like a missing one). */
  path: string | null;
  /** Its bytes elsewhere (an object storage), instead of path: null when missing. */
  bytes?: () => Promise<{ size: number; modified: Date; read(start: number, end: number): Promise<Readable> } | null>;
  /** The sniffed type: sent as Content-Type. */
  mime: string;
  /** Names this version of the file for caches (an id and size: stored files never change in place). */
  etag: string;
  disposition: "inline" | "attachment";
  /** The name the browser saves it under. */
  name?: string;
}

export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The one byte range a Range header asks for, within a file of `size` bytes: null to send the whole
 * file (no header, another unit, several ranges or a malformed one: RFC 9110 lets a server ignore
 * those), "unsatisfiable" when the range starts past the end (a 416).
 */
export function requestedRange(header: string | undefined, size: number): ByteRange | "unsatisfiable" | null {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === "" && match[2] === "")) return null;
  if (match[1] === "") {
    // "bytes=-n": the last n bytes.
    const length = Number(match[2]);
    return length === 0 || size === 0 ? "unsatisfiable" : { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(match[1]);
  const last = match[2] === "" ? Infinity : Number(match[2]);
  if (last < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(last, size - 1) };
}

/** If-Range: the range stands only while the file is still the version the client holds part of. */
function isSameVersion(ctx: AppContext, modified: Date) {
  const ifRange = ctx.get("If-Range");
  if (!ifRange) return true;
  if (ifRange.startsWith('"') || ifRange.startsWith("W/")) return ifRange === ctx.response.get("ETag");
  return Date.parse(ifRange) === Math.floor(modified.getTime() / 1000) * 1000;
}

/** An ASCII name for old browsers, next to the exact UTF-8 one (filename*): Latin-1 alone is read wrongly by some. */
function asciiFallback(name: string) {
  return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^\x20-\x7e]/g, "_");
}

async function onDisk(path: string | null) {
  const info = path ? await stat(path).catch(() => null) : null;
  if (!path || !info?.isFile()) return null;
  return { size: info.size, modified: info.mtime, read: async (start: number, end: number) => createReadStream(path, { start, end }) };
}

/**
 * Streams a stored file (never read whole into memory) with headers that keep a browser from ever
 * running it as a page of this site, answering conditional requests (304) and one byte range (206, or
 * 416 past the end). Permission must be checked before: the 304 comes after it too.
 */
export async function sendFile(ctx: AppContext, file: FileToSend) {
  const info = file.bytes ? await file.bytes() : await onDisk(file.path);
  if (!info) throw notFound();
  ctx.status = 200;
  // Private and revalidated each time: who may read it can change.
  ctx.set("Cache-Control", "private, no-cache");
  ctx.etag = file.etag;
  ctx.lastModified = info.modified;
  ctx.set("X-Content-Type-Options", "nosniff");
  // An image or a video opened on its own is laid out by the browser's own inline styles (fitted to the window):
  // allowed for those, never a script, a font or any other fetch.
  const isMedia = file.disposition === "inline" && /^(image|video)\//.test(file.mime);
  ctx.set("Content-Security-Policy", isMedia ? "default-src 'none'; style-src 'unsafe-inline'; sandbox" : "default-src 'none'; sandbox");
  ctx.set("Accept-Ranges", "bytes");
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  const range = ctx.method === "GET" && isSameVersion(ctx, info.modified) ? requestedRange(ctx.get("Range"), info.size) : null;
  if (range === "unsatisfiable") {
    ctx.status = 416;
    ctx.set("Content-Range", `bytes */${info.size}`);
    ctx.body = "";
    return;
  }
  ctx.attachment(file.name, { type: file.disposition, fallback: file.name && asciiFallback(file.name) });
  // After attachment(), which guesses a type from the name: the type sent is the sniffed one.
  ctx.type = file.mime;
  if (info.size === 0) {
    // An empty file (a module may accept them): no bytes to read, and no stream can read "0 to -1".
    ctx.length = 0;
    ctx.body = "";
    return;
  }
  const { start, end } = range ?? { start: 0, end: info.size - 1 };
  if (range) {
    ctx.status = 206;
    ctx.set("Content-Range", `bytes ${start}-${end}/${info.size}`);
  }
  ctx.length = end - start + 1;
  ctx.body = await info.read(start, end);
}
