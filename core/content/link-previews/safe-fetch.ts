import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import zlib from "node:zlib";
import type { Readable } from "node:stream";
import { isAllowedHost, isPublicAddress } from "./addresses.ts";

// Fetches a URL someone pasted, treating everything about it as hostile: only http(s) on the usual
// ports, never an address inside the network unless the admin listed the host, a few redirects each
// checked again, one deadline for the whole fetch, and a cap on the bytes read (after decompression).

export interface FetchRules {
  /** Host names that may resolve to private or loopback addresses (the admin's intranet hosts). */
  allowedHosts: readonly string[];
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** Media types accepted (a prefix: "text/html", "image/"). */
  accept: readonly string[];
  /** Past maxBytes: keep what was read (a page's head is enough) or refuse (an image must be whole). */
  truncate: boolean;
}

export type FetchRefusal = "url" | "address" | "status" | "type" | "size" | "timeout" | "redirects" | "network";

export class FetchRefused extends Error {
  constructor(readonly reason: FetchRefusal, detail: string) {
    super(`${reason}: ${detail}`);
  }
}

export interface Fetched {
  /** The URL of the last response, after redirects. */
  url: URL;
  mediaType: string;
  /** The charset the response declared, if any ("utf-8", "iso-8859-1"...). */
  charset: string | null;
  body: Buffer;
}

const redirects = new Set([301, 302, 303, 307, 308]);

/** Where a URL may be fetched from: http(s), default ports, no credentials, no literal non-public address unless allowed. */
export function checkUrl(text: string, rules: Pick<FetchRules, "allowedHosts">): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FetchRefused("url", "not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new FetchRefused("url", `scheme ${url.protocol}`);
  if (url.username || url.password) throw new FetchRefused("url", "credentials in the URL");
  const allowed = isAllowedHost(url.hostname, rules.allowedHosts);
  if (url.port !== "" && !allowed) throw new FetchRefused("url", `port ${url.port}`);
  const literal = url.hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(literal) && !allowed && !isPublicAddress(literal)) throw new FetchRefused("address", literal);
  return url;
}

/** A DNS look-up that refuses a name resolving to any non-public address (checked at connect time: no rebinding window). */
function guardedLookup(allowed: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return (callback as (error: Error) => void)(error);
      const list = addresses as dns.LookupAddress[];
      const refused = allowed ? undefined : list.find((entry) => !isPublicAddress(entry.address));
      if (refused || list.length === 0) return (callback as (error: Error) => void)(new FetchRefused("address", `${hostname} → ${refused?.address ?? "nothing"}`));
      if (options.all) return (callback as (error: null, addresses: dns.LookupAddress[]) => void)(null, list);
      (callback as (error: null, address: string, family: number) => void)(null, list[0].address, list[0].family);
    });
  };
}

function request(url: URL, rules: FetchRules, signal: AbortSignal): Promise<http.IncomingMessage> {
  const allowed = isAllowedHost(url.hostname, rules.allowedHosts);
  const get = url.protocol === "https:" ? https.get : http.get;
  return new Promise((resolve, reject) => {
    const outgoing = get(url, {
      lookup: guardedLookup(allowed),
      signal,
      headers: {
        "user-agent": "Agora link preview (+https://github.com/agora)",
        accept: rules.accept.map((type) => (type.endsWith("/") ? `${type}*` : type)).join(", "),
        "accept-encoding": "gzip, deflate, br",
      },
    });
    outgoing.on("response", resolve);
    outgoing.on("error", (error) => reject(error instanceof FetchRefused ? error : signal.aborted ? new FetchRefused("timeout", url.href) : new FetchRefused("network", error.message)));
  });
}

/** The body, decompressed, up to maxBytes. */
async function readBody(response: http.IncomingMessage, rules: FetchRules): Promise<Buffer> {
  const declared = Number(response.headers["content-length"]);
  const encoding = String(response.headers["content-encoding"] ?? "identity").toLowerCase();
  if (!rules.truncate && encoding === "identity" && declared > rules.maxBytes) throw new FetchRefused("size", `${declared} bytes`);
  const decoders: Record<string, () => zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress> = {
    gzip: zlib.createGunzip,
    "x-gzip": zlib.createGunzip,
    deflate: zlib.createInflate,
    br: zlib.createBrotliDecompress,
  };
  if (encoding !== "identity" && !decoders[encoding]) throw new FetchRefused("type", `content-encoding ${encoding}`);
  const stream: Readable = encoding === "identity" ? response : response.pipe(decoders[encoding]());
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const room = rules.maxBytes - size;
      if (chunk.length > room) {
        if (!rules.truncate) throw new FetchRefused("size", `more than ${rules.maxBytes} bytes`);
        chunks.push(chunk.subarray(0, room));
        size = rules.maxBytes;
        break;
      }
      chunks.push(chunk);
      size += chunk.length;
    }
  } catch (error) {
    if (error instanceof FetchRefused) throw error;
    throw new FetchRefused("network", (error as Error).message);
  } finally {
    response.destroy();
    if (stream !== response) stream.destroy();
  }
  return Buffer.concat(chunks, size);
}

/** Fetches a URL under the rules, or throws FetchRefused saying why not. */
export async function safeFetch(text: string, rules: FetchRules): Promise<Fetched> {
  const deadline = AbortSignal.timeout(rules.timeoutMs);
  let url = checkUrl(text, rules);
  for (let hop = 0; ; hop += 1) {
    const response = await request(url, rules, deadline);
    const status = response.statusCode ?? 0;
    if (redirects.has(status)) {
      response.destroy();
      const location = response.headers.location;
      if (!location || hop >= rules.maxRedirects) throw new FetchRefused("redirects", url.href);
      url = checkUrl(new URL(location, url).href, rules);
      continue;
    }
    if (status !== 200) {
      response.destroy();
      throw new FetchRefused("status", String(status));
    }
    const contentType = String(response.headers["content-type"] ?? "");
    const mediaType = contentType.split(";")[0].trim().toLowerCase();
    const charset = /;\s*charset="?([\w.:-]+)"?/i.exec(contentType)?.[1].toLowerCase() ?? null;
    if (!rules.accept.some((type) => (type.endsWith("/") ? mediaType.startsWith(type) : mediaType === type))) {
      response.destroy();
      throw new FetchRefused("type", mediaType || "none");
    }
    try {
      return { url, mediaType, charset, body: await readBody(response, rules) };
    } catch (error) {
      if (deadline.aborted) throw new FetchRefused("timeout", url.href);
      throw error;
    }
  }
}
