import { stat } from "node:fs/promises";
import sharp from "sharp";

/** Larger images are refused: decoding a "pixel bomb" would take the server's memory. */
const maxInputPixels = 50_000_000;
/** The version readers open: big enough for a screen, small enough for a phone. */
const displayBox = 2048;
export const thumbnailBox = 400;

export interface ProcessedImage {
  size: number;
  width: number;
  height: number;
}

export class UnreadableImageError extends Error {}

type OutputFormat = "jpeg" | "png" | "webp" | "gif";
const formats: Record<string, OutputFormat> = { "image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp", "image/gif": "gif" };

function open(source: string, mime: string, isAnimated: boolean) {
  const image = sharp(source, { limitInputPixels: maxInputPixels, animated: isAnimated });
  // GIFs have no EXIF orientation; every other format is turned upright before its metadata is dropped.
  return mime === "image/gif" ? image : image.rotate();
}

/**
 * Re-encodes an uploaded image into a display version (upright, at most 2048 px, every metadata
 * field such as GPS position or camera serial dropped) and a small WebP thumbnail. The original
 * bytes are not kept: what readers download is only what the image shows.
 */
export async function processImage(source: string, mime: string, display: string, thumbnail: string): Promise<ProcessedImage> {
  const format = formats[mime];
  if (!format) throw new UnreadableImageError(mime);
  try {
    const output = await open(source, mime, mime === "image/gif")
      .resize({ width: displayBox, height: displayBox, fit: "inside", withoutEnlargement: true })
      .toFormat(format)
      .toFile(display);
    await open(source, mime, false)
      .resize({ width: thumbnailBox, height: thumbnailBox, fit: "inside", withoutEnlargement: true })
      .webp({ quality: 80 })
      .toFile(thumbnail);
    const height = output.pageHeight ?? output.height;
    return { size: (await stat(display)).size, width: output.width, height };
  } catch (error) {
    throw new UnreadableImageError((error as Error).message);
  }
}

/** An image alone on a post is shown at most this wide or high (stream/entry-macros.njk, attachmentList). */
export const largeBox = 560;

/**
 * An image's size fitted in a square box, never enlarged: a thumbnail's (the default box) or an image's
 * in the page. Width and height attributes keep the layout from jumping while it loads.
 */
export function fittedSize(width: number | null, height: number | null, box = thumbnailBox): { width: number; height: number } | null {
  if (!width || !height) return null;
  const scale = Math.min(1, box / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
