import { Parser } from "htmlparser2";

// What a preview card shows of a page, read from its head: Open Graph first, then Twitter cards, then the
// plain <title> and description. Only attribute values are read (never markup), trimmed and clipped.

export interface PageMetadata {
  title: string | null;
  description: string | null;
  siteName: string | null;
  /** Absolute http(s) URL of the page's picture. */
  imageUrl: string | null;
  /** The page's oEmbed (JSON) endpoint, when it declares one. */
  oembedUrl: string | null;
}

const limits = { title: 200, description: 400, siteName: 100 };

const clip = (text: string | undefined, length: number): string | null => {
  const clean = (text ?? "").replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
  if (!clean) return null;
  return clean.length > length ? `${clean.slice(0, length - 1).trimEnd()}…` : clean;
};

/** An absolute http(s) URL from a value found in the page, or null. */
function absolute(value: string | undefined, base: URL): string | null {
  if (!value) return null;
  try {
    const url = new URL(value.trim(), base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** The charset to decode with: the response's, else a <meta charset> in the first bytes, else UTF-8. */
function decode(body: Buffer, declared: string | null): string {
  const sniffed = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(body.subarray(0, 2048).toString("latin1"))?.[1];
  for (const label of [declared, sniffed, "utf-8"]) {
    if (!label) continue;
    try {
      return new TextDecoder(label).decode(body);
    } catch {
      // An unknown label: try the next.
    }
  }
  return body.toString("utf8");
}

export function readPageMetadata(body: Buffer, charset: string | null, pageUrl: URL): PageMetadata {
  const meta = new Map<string, string>();
  let title = "";
  let inTitle = false;
  let oembed: string | undefined;
  let done = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (done) return;
        if (name === "body") done = true;
        else if (name === "title") inTitle = true;
        else if (name === "meta") {
          const key = (attributes.property ?? attributes.name ?? "").toLowerCase();
          if (key && attributes.content !== undefined && !meta.has(key)) meta.set(key, attributes.content);
        } else if (name === "link" && (attributes.type ?? "").toLowerCase() === "application/json+oembed" && /\balternate\b/i.test(attributes.rel ?? "")) {
          oembed ??= attributes.href;
        }
      },
      ontext(text) {
        if (inTitle && !done && title.length < 1000) title += text;
      },
      onclosetag(name) {
        if (name === "title") inTitle = false;
        if (name === "head") done = true;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(decode(body, charset));
  parser.end();
  return {
    title: clip(meta.get("og:title") ?? meta.get("twitter:title") ?? title, limits.title),
    description: clip(meta.get("og:description") ?? meta.get("twitter:description") ?? meta.get("description"), limits.description),
    siteName: clip(meta.get("og:site_name") ?? meta.get("application-name"), limits.siteName),
    imageUrl: absolute(meta.get("og:image:secure_url") ?? meta.get("og:image") ?? meta.get("og:image:url") ?? meta.get("twitter:image"), pageUrl),
    oembedUrl: absolute(oembed, pageUrl),
  };
}

/** The fields an oEmbed JSON answer may fill in (title, provider, thumbnail), ignoring anything malformed. */
export function readOembed(body: Buffer, endpoint: URL): Partial<PageMetadata> {
  let data: unknown;
  try {
    data = JSON.parse(body.toString("utf8"));
  } catch {
    return {};
  }
  if (!data || typeof data !== "object") return {};
  const record = data as Record<string, unknown>;
  const text = (key: string) => (typeof record[key] === "string" ? (record[key] as string) : undefined);
  return {
    title: clip(text("title"), limits.title),
    siteName: clip(text("provider_name"), limits.siteName),
    imageUrl: absolute(text("thumbnail_url"), endpoint),
  };
}
