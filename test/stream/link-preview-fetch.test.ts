import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import test from "ava";
import sharp from "sharp";
import { isAllowedHost, isPublicAddress, parseHostList } from "../../core/content/link-previews/addresses.ts";
import { fetchPreview } from "../../core/content/link-previews/fetch-preview.ts";
import { FetchRefused, safeFetch, type FetchRules } from "../../core/content/link-previews/safe-fetch.ts";

// The fetcher behind link previews, against a real HTTP server on this machine: what it reads, and every
// way a hostile link is refused.

let server: http.Server;
let base: string;
let png: Buffer;

const page = (head: string) => `<!doctype html><html><head>${head}</head><body><p>body</p></body></html>`;

const routes: Record<string, (request: http.IncomingMessage, response: http.ServerResponse) => void> = {
  "/article": (_, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(page(`<title>Plain title</title><meta property="og:title" content="Café &amp; co — Q3 results"><meta property="og:description" content="  Numbers\n are   up. "><meta property="og:site_name" content="Intranet news"><meta property="og:image" content="/picture.png">`));
  },
  "/plain": (_, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end(page(`<title>Only a title</title><meta name="description" content="A description.">`));
  },
  "/latin1": (_, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=iso-8859-1" });
    response.end(Buffer.from(page("<title>Résumé été</title>"), "latin1"));
  },
  "/gzip": (_, response) => {
    response.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip" });
    response.end(zlib.gzipSync(page("<title>Compressed</title>")));
  },
  "/bomb": (_, response) => {
    // 50 MB of zeros in about 50 KB: only the first 512 KB are ever inflated.
    response.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip" });
    response.end(zlib.gzipSync(Buffer.concat([Buffer.from("<html><head><title>Bomb</title></head>"), Buffer.alloc(50 * 1024 * 1024, 32)])));
  },
  "/script-title": (_, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end(page(`<meta property="og:title" content="<script>alert(1)</script>"><meta property="og:image" content="javascript:alert(1)">`));
  },
  "/oembed-page": (_, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end(page(`<link rel="alternate" type="application/json+oembed" href="/oembed.json">`));
  },
  "/oembed.json": (_, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ type: "video", title: "A video", provider_name: "Video site", thumbnail_url: "/picture.png" }));
  },
  "/picture.png": (_, response) => {
    response.writeHead(200, { "content-type": "image/png" });
    response.end(png);
  },
  "/pdf": (_, response) => {
    response.writeHead(200, { "content-type": "application/pdf" });
    response.end("%PDF-1.4");
  },
  "/missing": (_, response) => {
    response.writeHead(404, { "content-type": "text/html" });
    response.end(page("<title>Not found</title>"));
  },
  "/slow": (_, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.write("<html><head>");
    // Never finishes: the deadline must end it.
  },
  "/to-article": (_, response) => {
    response.writeHead(302, { location: "/article" });
    response.end();
  },
  "/loop": (_, response) => {
    response.writeHead(302, { location: "/loop" });
    response.end();
  },
  "/to-metadata": (_, response) => {
    response.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
    response.end();
  },
};

test.before(async () => {
  png = await sharp({ create: { width: 1200, height: 630, channels: 3, background: { r: 200, g: 40, b: 40 } } }).png().toBuffer();
  server = http.createServer((request, response) => {
    const route = routes[new URL(request.url ?? "/", "http://x").pathname];
    if (route) return route(request, response);
    response.writeHead(404);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.after.always(() => {
  server?.closeAllConnections();
  server?.close();
});

// Generous deadlines: a loaded CI machine must not turn a slow read into a refusal (the deadline test sets its own).
const intranet = { allowedHosts: ["127.0.0.1"], timeoutMs: 15_000 };
const htmlRules = (overrides: Partial<FetchRules> = {}): FetchRules => ({ allowedHosts: ["127.0.0.1"], timeoutMs: 15_000, maxBytes: 512 * 1024, maxRedirects: 3, accept: ["text/html"], truncate: true, ...overrides });

async function refusal(t: import("ava").ExecutionContext, work: Promise<unknown>): Promise<string> {
  const error = await t.throwsAsync(work);
  t.true(error instanceof FetchRefused, String(error));
  return (error as FetchRefused).reason;
}

test("reads Open Graph fields, resolves the picture against the page and makes it a small WebP", async (t) => {
  const preview = await fetchPreview(`${base}/article`, intranet);
  t.is(preview.title, "Café & co — Q3 results");
  t.is(preview.description, "Numbers are up.");
  t.is(preview.siteName, "Intranet news");
  t.truthy(preview.image);
  const image = await sharp(preview.image!).metadata();
  t.is(image.format, "webp");
  t.is(image.width, 600);
  t.is(image.height, 315);
});

test("falls back to <title> and the description; the site name is the host", async (t) => {
  const preview = await fetchPreview(`${base}/plain`, intranet);
  t.deepEqual({ ...preview, image: null }, { url: `${base}/plain`, title: "Only a title", description: "A description.", siteName: "127.0.0.1", image: null });
});

test("decodes the declared charset and compressed bodies", async (t) => {
  t.is((await fetchPreview(`${base}/latin1`, intranet)).title, "Résumé été");
  t.is((await fetchPreview(`${base}/gzip`, intranet)).title, "Compressed");
});

test("a compression bomb is read only up to the limit", async (t) => {
  const fetched = await safeFetch(`${base}/bomb`, htmlRules());
  t.is(fetched.body.length, 512 * 1024);
  const refused = await refusal(t, safeFetch(`${base}/bomb`, htmlRules({ truncate: false })));
  t.is(refused, "size");
});

test("markup in a field stays text, and a javascript: picture is dropped", async (t) => {
  const preview = await fetchPreview(`${base}/script-title`, intranet);
  t.is(preview.title, "<script>alert(1)</script>", "text, escaped when the card is rendered");
  t.is(preview.image, null);
});

test("an oEmbed endpoint fills in title, provider and thumbnail", async (t) => {
  const preview = await fetchPreview(`${base}/oembed-page`, intranet);
  t.is(preview.title, "A video");
  t.is(preview.siteName, "Video site");
  t.truthy(preview.image);
});

test("follows a redirect, but not a loop nor one into the network's metadata service", async (t) => {
  t.is((await fetchPreview(`${base}/to-article`, intranet)).url, `${base}/article`);
  t.is(await refusal(t, fetchPreview(`${base}/loop`, intranet)), "redirects");
  t.is(await refusal(t, fetchPreview(`${base}/to-metadata`, intranet)), "address");
});

test("refuses other media types, error statuses and a page that never ends", async (t) => {
  t.is(await refusal(t, fetchPreview(`${base}/pdf`, intranet)), "type");
  t.is(await refusal(t, fetchPreview(`${base}/missing`, intranet)), "status");
  const started = Date.now();
  t.is(await refusal(t, fetchPreview(`${base}/slow`, { ...intranet, timeoutMs: 300 })), "timeout");
  t.true(Date.now() - started < 5000);
});

test("never reaches this machine or its network unless the admin listed the host", async (t) => {
  const closed = { allowedHosts: [], timeoutMs: 15_000 };
  for (const url of ["http://127.0.0.1/", "http://localhost/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://2130706433/", "http://0x7f.1/", "http://10.1.2.3/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://[fd00::1]/", "http://0.0.0.0/"]) {
    t.is(await refusal(t, fetchPreview(url, closed)), "address", url);
  }
  for (const url of [`${base}/article`, "file:///etc/passwd", "ftp://example.org/", "http://user:secret@example.org/", "http://example.org:8080/", "not a url"]) {
    t.is(await refusal(t, fetchPreview(url, closed)), "url", url);
  }
});

test("addresses and the admin's host list", (t) => {
  t.true(isPublicAddress("93.184.215.14"));
  t.true(isPublicAddress("2606:4700::1111"));
  for (const address of ["127.0.0.1", "10.0.0.1", "172.31.255.255", "192.168.0.1", "100.64.0.1", "::1", "fe80::1", "fc00::1", "::ffff:10.0.0.1", "::ffff:7f00:1", "not-an-ip"]) t.false(isPublicAddress(address), address);
  t.deepEqual(parseHostList("wiki.corp.example, *.intranet.example\nWIKI.corp.example. bad/host 10.0.0.5"), ["wiki.corp.example", "*.intranet.example", "10.0.0.5"]);
  t.true(isAllowedHost("docs.intranet.example", ["*.intranet.example"]));
  t.false(isAllowedHost("intranet.example", ["*.intranet.example"]));
  t.false(isAllowedHost("evilintranet.example", ["*.intranet.example"]));
  t.true(isAllowedHost("[::1]", ["::1"]));
});
