import http from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { themeChain } from "../../core/views/themes.ts";
import { assetBundles } from "../../core/views/asset-bundles.ts";
import { adminAccount, startApp, type TestApp } from "../helpers/app.ts";

const fixtureThemes = path.resolve(import.meta.dirname, "../fixtures/themes");
const defaultCss = readFileSync(path.resolve(import.meta.dirname, "../../themes/default/static/css/agora.css"), "utf8");

let app: TestApp;
test.before(async () => {
  app = await startApp({ AGORA_THEME: "fixture-child", AGORA_THEME_PATHS: ["themes", fixtureThemes].join(path.delimiter) });
});
test.after.always(() => app?.close());

/** GET with the path sent byte for byte: fetch would resolve "..", "%2e%2e" and friends before sending. */
function rawGet(requestPath: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const { hostname, port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const request = http.get({ hostname, port, path: requestPath, headers: { accept: "text/html" } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString("utf8") }));
    });
    request.on("error", reject);
  });
}

test.serial("the child theme's template overrides are used; everything else falls back to the parent", async (t) => {
  const { client } = await app.signedIn("member", { displayName: "Theo Child" });
  const home = await client.get("/");
  t.is(home.status, 200);
  t.regex(home.text, /<h1 class="fixture-child-home">Welcome, Theo Child<\/h1>/, "child overrides a core template by path");
  t.regex(home.text, /class="topbar"/, "the parent's layout wraps it");

  const missing = await client.get("/no-such-page");
  t.is(missing.status, 404);
  t.regex(missing.text, /fixture-child 404 override/, "child overrides a parent theme template");
  t.regex(missing.text, /does not exist/, "super() keeps the parent's content");

  const login = await app.client().get("/login");
  t.is(login.status, 200);
  t.regex(login.text, /<h1>Sign in<\/h1>/, "core templates the child does not override still render");
  t.notRegex(login.text, /fixture-child/);
});

test.serial("assets come from the child first, then the parent, with long immutable caching and the right type", async (t) => {
  const css = await fetch(`${app.url}/assets/css/agora.css?v=1`);
  t.is(css.status, 200);
  t.is(await css.text(), defaultCss, "the parent's stylesheet");
  t.regex(css.headers.get("content-type") ?? "", /^text\/css/);
  t.regex(css.headers.get("cache-control") ?? "", /max-age=31536000/);
  t.regex(css.headers.get("cache-control") ?? "", /immutable/);
  t.is(css.headers.get("x-content-type-options"), "nosniff");

  const own = await fetch(`${app.url}/assets/css/fixture-child.css`);
  t.is(own.status, 200);
  t.regex(await own.text(), /served from the child theme/);
  t.regex(own.headers.get("content-type") ?? "", /^text\/css/);

  const svg = await fetch(`${app.url}/assets/images/mark.svg`);
  t.is(svg.status, 200);
  t.regex(svg.headers.get("content-type") ?? "", /^image\/svg\+xml/);

  const js = await fetch(`${app.url}/assets/js/agora.js`);
  t.is(js.status, 200);
  t.regex(js.headers.get("content-type") ?? "", /javascript/);
  t.regex(js.headers.get("cache-control") ?? "", /immutable/);

  const favicon = await fetch(`${app.url}/favicon.ico`);
  t.is(favicon.status, 200, "the theme's favicon answers the browser's automatic request");
  t.regex(favicon.headers.get("content-type") ?? "", /^image\/(x-icon|vnd\.microsoft\.icon)/);
  t.deepEqual(Buffer.from(await favicon.arrayBuffer()).subarray(0, 4), Buffer.from([0, 0, 1, 0]));

  const head = await fetch(`${app.url}/assets/css/agora.css`, { method: "HEAD" });
  t.is(head.status, 200);

  const absent = await fetch(`${app.url}/assets/css/nope.css`);
  t.is(absent.status, 404);
  t.notRegex(absent.headers.get("cache-control") ?? "", /immutable/, "a missing file is not cached for a year");
  await absent.text();
});

test.serial("no path under /assets reaches a file outside the themes' static folders", async (t) => {
  const attempts = [
    "/assets/../theme.json",
    "/assets/../../package.json",
    "/assets/css/../../theme.json",
    "/assets/%2e%2e/theme.json",
    "/assets/%2E%2E/%2E%2E/package.json",
    "/assets/css/%2e%2e%2f%2e%2e%2ftheme.json",
    "/assets/..%2f..%2f..%2f..%2fpackage.json",
    "/assets/..%5c..%5ctheme.json",
    "/assets/%252e%252e/theme.json",
    "/assets//etc/passwd",
    "/assets/%2fetc%2fpasswd",
    "/assets/css/agora.css%00.js",
    "/assets/../../../../../../etc/passwd",
    "/assets/.%2e/.%2e/package.json",
    "/assets/../templates/home.njk",
    "/assets/%2e%2e/templates/home.njk",
  ];
  for (const attempt of attempts) {
    const response = await rawGet(attempt);
    t.true(response.status >= 400 && response.status < 500, `${attempt}: ${response.status}`);
    t.notRegex(response.text, /"extends"|"name": "agora"|root:x:0:0|fixture-child home override/, attempt);
  }
});

test.serial("pages load nothing from another origin", async (t) => {
  const admin = app.client();
  await admin.login(adminAccount.email, adminAccount.password);
  const pages = [await app.client().get("/login"), await admin.get("/"), await admin.get("/admin"), await admin.get("/nope")];
  for (const page of pages) {
    t.true(page.status === 200 || page.status === 404);
    const references = [...page.text.matchAll(/<(?:link|script|img|source|iframe|video|audio)\b[^>]*\s(?:src|href|srcset)="([^"]*)"/gi)].map((m) => m[1]);
    t.true(references.length > 0, "the scan sees the page's assets");
    for (const reference of references) t.notRegex(reference, /^(https?:)?\/\//i, reference);
    t.notRegex(page.text, /@import|url\((["']?)(https?:)?\/\//i);
  }
});

test.serial("a page links one stylesheet and one script: the parent's files then the child's, versioned by content", async (t) => {
  const page = await app.client().get("/login");
  const links = [...page.text.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((match) => match[1]);
  t.is(links.length, 1, links.join(" "));
  const scripts = [...page.text.matchAll(/<script src="([^"]+)" defer><\/script>/g)].map((match) => match[1]);
  t.is(scripts.length, 1, scripts.join(" "));
  t.regex(scripts[0], /^\/assets\/js\/site\.js\?v=[0-9a-f]{16}$/);
  const script = await fetch(`${app.url}${scripts[0]}`);
  t.regex(script.headers.get("content-type") ?? "", /javascript/);
  const js = await script.text();
  for (const file of ["agora", "stream", "mentions", "comments", "live", "search"]) t.true(js.includes(`/* js/${file}.js */`), file);
  t.true(js.includes(readFileSync(path.resolve(import.meta.dirname, "../../themes/default/static/js/search.js"), "utf8").trimEnd()));
  const [href] = links;
  t.regex(href, /^\/assets\/css\/site\.css\?v=[0-9a-f]{16}$/);
  const sheet = await fetch(`${app.url}${href}`);
  t.is(sheet.status, 200);
  t.regex(sheet.headers.get("content-type") ?? "", /^text\/css/);
  t.regex(sheet.headers.get("cache-control") ?? "", /max-age=31536000.*immutable/);
  const css = await sheet.text();
  t.true(css.includes(defaultCss.trimEnd()), "the parent's agora.css whole");
  t.true(css.indexOf("/* css/agora.css */") < css.indexOf("/* css/people.css */"), "in the order theme.json lists them");
  t.true(css.indexOf("/* css/people.css */") < css.indexOf("served from the child theme"), "the child's sheet after its parent's");
  t.true(css.indexOf("served from the child theme") < css.indexOf("/* modules/groups/groups.css */"), "the modules' sheets after the themes'");
  // (fetch adds "Cache-Control: no-cache" to a conditional request unless told otherwise, as a browser's reload would.)
  const again = await fetch(`${app.url}${href}`, { headers: { "if-none-match": sheet.headers.get("etag") ?? "", "cache-control": "max-age=0" } });
  t.is(again.status, 304);
  t.is((await fetch(`${app.url}/assets/css/site.css`, { method: "HEAD" })).status, 200);
});

test("asset bundles refuse bad paths and files no theme has; a child replaces a parent's file by its path", (t) => {
  const folder = mkdtempSync(path.join(os.tmpdir(), "agora-bundles-"));
  try {
    const theme = (id: string, manifest: object, files: Record<string, string> = {}) => {
      mkdirSync(path.join(folder, id, "static", "css"), { recursive: true });
      mkdirSync(path.join(folder, id, "static", "js"), { recursive: true });
      writeFileSync(path.join(folder, id, "theme.json"), JSON.stringify({ id, ...manifest }));
      for (const [file, text] of Object.entries(files)) writeFileSync(path.join(folder, id, "static", file), text);
      return { id, directory: path.join(folder, id) };
    };
    const base = theme("base", { stylesheets: ["css/a.css", "css/b.css"], scripts: ["js/a.js"] }, { "css/a.css": ".a{}", "css/b.css": ".b{}", "js/a.js": "window.a = 1" });
    const child = theme("child", { extends: "base", stylesheets: ["css/c.css", "css/a.css"], scripts: ["js/c.js"] }, { "css/a.css": ".a-child{}", "css/c.css": ".c{}", "js/c.js": "(() => {})()" });
    const bundles = assetBundles([child, base]);
    t.deepEqual([...bundles.keys()], ["css/site.css", "js/site.js"]);
    t.is(bundles.get("css/site.css")!.body.toString(), "/* css/a.css */\n.a-child{}\n\n/* css/b.css */\n.b{}\n\n/* css/c.css */\n.c{}\n");
    t.is(bundles.get("js/site.js")!.body.toString(), "/* js/a.js */\nwindow.a = 1\n;\n\n/* js/c.js */\n(() => {})()\n;\n", "a semicolon between scripts");
    t.not(assetBundles([base]).get("css/site.css")!.hash, bundles.get("css/site.css")!.hash, "another content, another version");
    t.throws(() => assetBundles([theme("escape", { stylesheets: ["../../package.json"] })]), { message: /"stylesheets" must be a list of paths/ });
    t.throws(() => assetBundles([theme("absolute", { scripts: ["/etc/x.js"] })]), { message: /"scripts" must be a list of paths/ });
    t.throws(() => assetBundles([theme("wrong-kind", { scripts: ["css/a.css"] })]), { message: /"scripts" must be a list of paths/ });
    t.throws(() => assetBundles([theme("itself", { stylesheets: ["css/site.css"] })]), { message: /the bundle itself/ });
    t.throws(() => assetBundles([theme("missing", { stylesheets: ["css/none.css"] })]), { message: /no theme of the chain .* has static\/css\/none\.css/ });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test("a theme chain follows extends, and refuses cycles, bad ids and broken manifests", (t) => {
  t.deepEqual(
    themeChain("fixture-child", ["themes", fixtureThemes]).map((theme) => theme.id),
    ["fixture-child", "default"],
  );
  const folder = mkdtempSync(path.join(os.tmpdir(), "agora-themes-"));
  try {
    const theme = (id: string, manifest: string) => {
      mkdirSync(path.join(folder, id));
      writeFileSync(path.join(folder, id, "theme.json"), manifest);
    };
    theme("loop-a", '{ "id": "loop-a", "extends": "loop-b" }');
    theme("loop-b", '{ "id": "loop-b", "extends": "loop-a" }');
    theme("escape", '{ "id": "escape", "extends": "../default" }');
    theme("broken", "{ not json");
    theme("orphan", '{ "id": "orphan", "extends": "missing" }');
    t.throws(() => themeChain("loop-a", [folder]), { message: /extends itself/ });
    t.throws(() => themeChain("escape", [folder, "themes"]), { message: /not a theme folder name/ });
    t.throws(() => themeChain("broken", [folder]), { message: /broken[/\\]theme\.json is not valid JSON/ });
    t.throws(() => themeChain("orphan", [folder]), { message: /theme "missing" not found/ });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
