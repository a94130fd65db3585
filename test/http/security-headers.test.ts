import type { AddressInfo } from "node:net";
import test, { type ExecutionContext } from "ava";
import Koa from "koa";
import { securityHeaders } from "../../core/http/security-headers.ts";
import { adminAccount, startApp, type TestApp } from "../helpers/app.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

/** The CSP as directive → sources. */
function parseCsp(header: string | null): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? "").split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

function assertStrictHeaders(t: ExecutionContext, headers: Headers, label: string) {
  const csp = parseCsp(headers.get("content-security-policy"));
  t.deepEqual(csp.get("script-src"), ["'self'"], `${label}: script-src 'self' only`);
  t.deepEqual(csp.get("default-src"), ["'self'"], label);
  t.deepEqual(csp.get("frame-ancestors"), ["'none'"], label);
  t.deepEqual(csp.get("object-src"), ["'none'"], label);
  t.truthy(csp.get("style-src"), label);
  t.truthy(csp.get("base-uri"), label);
  t.truthy(csp.get("form-action"), label);
  for (const [name, sources] of csp) {
    for (const unsafe of ["'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"]) t.false(sources.includes(unsafe), `${label}: ${name} allows ${unsafe}`);
  }
  t.is(headers.get("x-content-type-options"), "nosniff", label);
  t.is(headers.get("x-frame-options"), "DENY", label);
  t.truthy(headers.get("referrer-policy"), label);
  t.regex(headers.get("referrer-policy") ?? "", /^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/, label);
  t.is(headers.get("x-powered-by"), null, label);
  t.is(headers.get("strict-transport-security"), null, `${label}: no HSTS over plain HTTP`);
}

/** What a strict CSP would block: inline scripts, inline styles and event-handler attributes. */
function assertNoInlineCode(t: ExecutionContext, html: string, label: string) {
  for (const [, attributes, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    t.regex(attributes, /\ssrc="\/[^/]/, `${label}: every script is a same-origin file`);
    t.is(body.trim(), "", `${label}: no inline script`);
  }
  t.notRegex(html, /<style[\s>]/i, `${label}: no <style> element`);
  t.notRegex(html, /\sstyle\s*=/i, `${label}: no style= attribute`);
  t.notRegex(html, /\son[a-z]+\s*=\s*["']/i, `${label}: no onclick= and friends`);
  t.notRegex(html, /(href|src|action)\s*=\s*["']\s*javascript:/i, `${label}: no javascript: URL`);
}

test.serial("pages, errors, JSON and assets all carry the strict headers", async (t) => {
  const responses: [string, Response][] = [
    ["login page", await fetch(`${app.url}/login`)],
    ["404 page", await fetch(`${app.url}/no-such-page`)],
    ["JSON error", await fetch(`${app.url}/no-such-page`, { headers: { accept: "application/json" } })],
    ["asset", await fetch(`${app.url}/assets/css/agora.css`)],
    ["health check", await fetch(`${app.url}/healthz`)],
    ["favicon", await fetch(`${app.url}/favicon.ico`)],
    ["refused body", await fetch(`${app.url}/login`, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" })],
  ];
  const favicon = responses.find(([label]) => label === "favicon")![1];
  t.is(favicon.status, 204, "a theme without a favicon answers the browser's request with no content, not a rendered 404");
  for (const [label, response] of responses) {
    await response.arrayBuffer();
    assertStrictHeaders(t, response.headers, label);
  }
});

test.serial("no page has inline scripts, inline styles or event handlers (crawled as an admin)", async (t) => {
  const admin = app.client();
  await admin.login(adminAccount.email, adminAccount.password);
  const anonymous = app.client();
  const required = ["/", "/admin", "/login"];
  const seen = new Set<string>();
  const queue: { client: typeof admin; path: string }[] = [
    { client: anonymous, path: "/login" },
    { client: anonymous, path: "/password/forgot" },
    { client: anonymous, path: "/register" },
    { client: anonymous, path: "/no-such-page" },
    ...["/", "/admin", "/account", "/logout", "/no-such-page"].map((path) => ({ client: admin, path })),
  ];
  let checked = 0;
  while (queue.length > 0 && checked < 40) {
    const { client, path } = queue.shift()!;
    const key = `${client === admin ? "admin" : "anonymous"} ${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const page = await client.get(path);
    if (required.includes(path) && client === admin) t.is(page.status, 200, path);
    if (!/text\/html/.test(page.headers.get("content-type") ?? "")) continue;
    checked += 1;
    assertNoInlineCode(t, page.text, key);
    // Follow same-site links: every page reachable from the shell, including other helpers' admin screens.
    for (const [, href] of page.text.matchAll(/<a\b[^>]*\shref="(\/[^"#]*)"/g)) {
      const target = href.replace(/&amp;/g, "&");
      if (!target.startsWith("//") && !target.startsWith("/assets/")) queue.push({ client, path: target });
    }
  }
  t.log(`checked ${checked} pages: ${[...seen].join(", ")}`);
  t.true(checked >= 6, `checked ${checked} pages`);
});

test("over HTTPS the headers add HSTS and upgrade insecure requests", async (t) => {
  const koa = new Koa();
  koa.use(securityHeaders(true));
  koa.use((ctx) => {
    ctx.body = "ok";
  });
  const server = koa.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    t.regex(response.headers.get("strict-transport-security") ?? "", /max-age=\d{7,}/);
    t.true(parseCsp(response.headers.get("content-security-policy")).has("upgrade-insecure-requests"));
    await response.text();
  } finally {
    server.close();
  }
});
