import sharp from "sharp";
import { readOembed, readPageMetadata, type PageMetadata } from "./page-metadata.ts";
import { safeFetch, type FetchRules } from "./safe-fetch.ts";

// One preview: the page's head, its oEmbed answer when it declares one, and its picture made into a small
// WebP here (readers' browsers never fetch from the linked site: no tracking, no mixed content).

export interface PreviewLimits {
  allowedHosts: readonly string[];
  timeoutMs: number;
}

export interface FetchedPreview {
  /** The page's URL after redirects. */
  url: string;
  title: string | null;
  description: string | null;
  siteName: string | null;
  /** WebP bytes of the picture, at most 600 × 600, or null. */
  image: Buffer | null;
}

const imageBox = 600;
const maxImagePixels = 40_000_000;

const pageRules = (limits: PreviewLimits): FetchRules => ({ ...limits, maxBytes: 512 * 1024, maxRedirects: 3, accept: ["text/html", "application/xhtml+xml"], truncate: true });
const oembedRules = (limits: PreviewLimits): FetchRules => ({ ...limits, maxBytes: 64 * 1024, maxRedirects: 2, accept: ["application/json", "text/javascript", "application/json+oembed"], truncate: false });
const imageRules = (limits: PreviewLimits): FetchRules => ({ ...limits, maxBytes: 5 * 1024 * 1024, maxRedirects: 3, accept: ["image/"], truncate: false });

/** A part that may fail without failing the preview (an oEmbed endpoint or a picture that is missing or refused). */
async function optional<T>(work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch {
    return null;
  }
}

async function thumbnail(url: string, limits: PreviewLimits): Promise<Buffer | null> {
  const fetched = await safeFetch(url, imageRules(limits));
  if (fetched.mediaType === "image/svg+xml") return null;
  return sharp(fetched.body, { limitInputPixels: maxImagePixels })
    .rotate()
    .resize({ width: imageBox, height: imageBox, fit: "inside", withoutEnlargement: true })
    .webp({ quality: 75 })
    .toBuffer();
}

/** Fetches what a card shows of a URL; throws FetchRefused when the page itself cannot be had. */
export async function fetchPreview(url: string, limits: PreviewLimits): Promise<FetchedPreview> {
  const page = await safeFetch(url, pageRules(limits));
  let metadata: PageMetadata = readPageMetadata(page.body, page.charset, page.url);
  if (metadata.oembedUrl) {
    const oembedUrl = metadata.oembedUrl;
    const extra = await optional(async () => readOembed((await safeFetch(oembedUrl, oembedRules(limits))).body, new URL(oembedUrl)));
    if (extra) metadata = { ...metadata, title: metadata.title ?? extra.title ?? null, siteName: metadata.siteName ?? extra.siteName ?? null, imageUrl: metadata.imageUrl ?? extra.imageUrl ?? null };
  }
  const imageUrl = metadata.imageUrl;
  const image = imageUrl ? await optional(() => thumbnail(imageUrl, limits)) : null;
  return { url: page.url.href, title: metadata.title, description: metadata.description, siteName: metadata.siteName ?? page.url.hostname, image };
}
