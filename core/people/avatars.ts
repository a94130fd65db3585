import { randomBytes } from "node:crypto";
import { mkdir, rename, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";

export const photoMaxBytes = 5 * 1024 * 1024;
/** Recognised by their bytes, never by name or declared type; no SVG, which can carry scripts. */
const photoTypes = new Set(["image/jpeg", "image/png", "image/webp", "image/gif"]);
/** Square sizes kept for each photo: the profile page and lists. */
export const photoSizes = { large: 256, small: 64 } as const;
export type PhotoSize = keyof typeof photoSizes;

/** Only keys this module makes are ever turned into paths. */
const keyPattern = /^[a-f0-9]{32}$/;

export class PhotoRejectedError extends Error {
  constructor(readonly messageKey: string) {
    super(messageKey);
  }
}

export function avatarDirectory(uploadsDir: string) {
  return path.join(uploadsDir, "avatars");
}

/** uploads/avatars/<key>.webp (large) or <key>-small.webp, or null for a key we did not make. */
export function photoPath(uploadsDir: string, key: string | null, size: PhotoSize): string | null {
  if (!key || !keyPattern.test(key)) return null;
  return path.join(avatarDirectory(uploadsDir), size === "large" ? `${key}.webp` : `${key}-small.webp`);
}

async function removeQuietly(file: string) {
  await unlink(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
}

/** Checks the bytes and makes the square WebP sizes; sharp drops EXIF and other metadata unless asked to keep it. */
async function resizedPhotos(bytes: Buffer): Promise<Record<PhotoSize, Buffer>> {
  if (bytes.length === 0) throw new PhotoRejectedError("profile:photo.errors.empty");
  if (bytes.length > photoMaxBytes) throw new PhotoRejectedError("profile:photo.errors.tooLarge");
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected || !photoTypes.has(detected.mime)) throw new PhotoRejectedError("profile:photo.errors.type");
  try {
    const resize = (side: number) =>
      // rotate() applies the EXIF orientation before the metadata is dropped; a huge canvas is refused, not decoded.
      sharp(bytes, { limitInputPixels: 50_000_000, failOn: "error" }).rotate().resize(side, side, { fit: "cover" }).webp({ quality: 82 }).toBuffer();
    return { large: await resize(photoSizes.large), small: await resize(photoSizes.small) };
  } catch {
    throw new PhotoRejectedError("profile:photo.errors.unreadable");
  }
}

/** Writes both sizes under a new random key, through temporary files so no half-written photo is served. */
export async function storePhoto(uploadsDir: string, bytes: Buffer): Promise<string> {
  const images = await resizedPhotos(bytes);
  await mkdir(avatarDirectory(uploadsDir), { recursive: true });
  const key = randomBytes(16).toString("hex");
  const written: string[] = [];
  try {
    for (const size of Object.keys(photoSizes) as PhotoSize[]) {
      const target = photoPath(uploadsDir, key, size)!;
      const temporary = path.join(avatarDirectory(uploadsDir), `.upload-${randomBytes(8).toString("hex")}`);
      written.push(temporary);
      await writeFile(temporary, images[size], { flag: "wx" });
      await rename(temporary, target);
      written.push(target);
    }
  } catch (error) {
    await Promise.all(written.map(removeQuietly));
    throw error;
  }
  return key;
}

/** Deletes both sizes of a photo; unknown keys and missing files are ignored. */
export async function removePhoto(uploadsDir: string, key: string | null) {
  for (const size of Object.keys(photoSizes) as PhotoSize[]) {
    const file = photoPath(uploadsDir, key, size);
    if (file) await removeQuietly(file);
  }
}
