import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { crc32 } from "node:zlib";
import sharp from "sharp";
import type { Client } from "../helpers/client.ts";

export interface TestFile {
  name: string;
  data: Buffer;
  /** What the browser claims; the server must not care. */
  type?: string;
}

/** Sends a form as multipart/form-data, the way the composer does (CSRF token in the query). */
export async function postMultipart(client: Client, url: string, fields: Record<string, string>, files: TestFile[] = []) {
  if (!client.csrfToken) await client.get("/");
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  for (const file of files) form.append("files", new Blob([new Uint8Array(file.data)], { type: file.type ?? "application/octet-stream" }), file.name);
  const separator = url.includes("?") ? "&" : "?";
  return client.request("POST", `${url}${separator}_csrf=${encodeURIComponent(client.csrfToken)}`, { body: form });
}

type Answer = Awaited<ReturnType<Client["request"]>>;

/**
 * A refused post, post edit or comment sent as multipart (its address carries the form token) is sent with
 * 303 to a clean address that opens at its form or error box (#refused, #comments-<id>); the page there is
 * what the browser shows: the refusal's status, the text typed and the reason. Throws when the answer is
 * anything else.
 */
export async function refusedPage(client: Client, response: Answer): Promise<Answer> {
  if (response.status !== 303) throw new Error(`a refused multipart form answers 303, not ${response.status}: ${response.text.slice(0, 300)}`);
  const clean = /^(\/[^?#]*)#[a-z0-9-]+$/.exec(response.location);
  if (response.location.includes("_csrf") || !clean) throw new Error(`the refused form goes to a clean address, not ${response.location}`);
  return client.get(clean[1]);
}

/** Every file under a directory, as paths relative to it. */
export function filesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    return entry.isDirectory() ? filesUnder(full).map((file) => path.join(entry.name, file)) : [entry.name];
  });
}

/** A JPEG that carries an EXIF orientation (turned on its side) and identifying metadata. */
export function photoWithExif(width = 60, height = 40) {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .jpeg()
    .withMetadata({ orientation: 6, exif: { IFD0: { Copyright: "Secret Corp", Artist: "Field Agent" } } })
    .toBuffer();
}

export function pngImage(width: number, height: number) {
  return sharp({ create: { width, height, channels: 4, background: { r: 20, g: 90, b: 200, alpha: 1 } } })
    .png()
    .toBuffer();
}

/** A minimal but real PDF. */
export function pdfDocument(text = "Quarterly figures") {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n` +
      `3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
  );
}

export const contentIdOf = (location: string) => Number(/^\/c\/(\d+)$/.exec(location)?.[1] ?? Number.NaN);

/** A stored (uncompressed) zip archive: office documents are zips, recognised by their entries. */
export function zipArchive(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const fileName = Buffer.from(name);
    const checksum = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const contentTypes = (main: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="${main}"/></Types>`;

export const wordDocument = () => zipArchive({ "[Content_Types].xml": contentTypes("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"), "word/document.xml": "<w:document/>" });
export const macroDocument = () => zipArchive({ "[Content_Types].xml": contentTypes("application/vnd.ms-word.document.macroEnabled.main+xml"), "word/document.xml": "<w:document/>" });
export const openDocumentText = () => zipArchive({ mimetype: "application/vnd.oasis.opendocument.text", "content.xml": "<office:document-content/>" });
export const plainZip = () => zipArchive({ "readme.txt": "hello" });
