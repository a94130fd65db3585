import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import test from "ava";
import { fixtureModules, startApp } from "../helpers/app.ts";

// A module's own stylesheets and scripts (definition.assets) in the site's bundles, and its static files
// under /assets/modules/<id>/: test/fixtures/modules/fixture-files, and modules written here to a folder.
const sdk = pathToFileURL(path.resolve(import.meta.dirname, "../../core/sdk/index.ts")).href;
const folder = mkdtempSync(path.join(os.tmpdir(), "agora-module-assets-"));
test.after.always(() => rmSync(folder, { recursive: true, force: true }));

function writeModule(id: string, assets: object, files: Record<string, string>) {
  mkdirSync(path.join(folder, id, "static"), { recursive: true });
  writeFileSync(path.join(folder, id, "index.ts"), `import { defineModule } from ${JSON.stringify(sdk)};\nexport default defineModule({ id: ${JSON.stringify(id)}, version: "1.0.0", scopes: ["instance"], assets: ${JSON.stringify(assets)} });\n`);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(folder, id, "static", name), text);
}

/** The bundles a page links, fetched: their URLs and bodies. */
async function bundlesOf(url: string) {
  const page = await (await fetch(`${url}/login`)).text();
  const css = /<link rel="stylesheet" href="([^"]+)"/.exec(page)![1];
  const js = /<script src="([^"]+)" defer><\/script>/.exec(page)![1];
  return { css, js, cssBody: await (await fetch(url + css)).text(), jsBody: await (await fetch(url + js)).text() };
}

test.serial("installed modules' stylesheets and scripts follow the theme's in the bundles, switched on or not", async (t) => {
  const app = await startApp();
  try {
    t.false(app.app.registry.isEnabled("fixture-files"), "fixture-files is installed but off");
    const { cssBody, jsBody } = await bundlesOf(app.url);
    const sheet = readFileSync(path.join(fixtureModules, "fixture-files/static/fixture-files.css"), "utf8").trimEnd();
    t.true(cssBody.includes(`/* modules/fixture-files/fixture-files.css */\n${sheet}`));
    t.true(cssBody.indexOf("/* css/notifications.css */") < cssBody.indexOf("/* modules/fixture-files/fixture-files.css */"));
    t.true(cssBody.includes("/* modules/groups/groups.css */\n/* groups: directory cards"), "groups' stylesheet comes from its module");
    const script = readFileSync(path.join(fixtureModules, "fixture-files/static/fixture-files.js"), "utf8").trimEnd();
    t.true(jsBody.includes(`/* modules/fixture-files/fixture-files.js */\n${script}\n;`), "a script is closed so the next file cannot continue it");
    t.true(jsBody.indexOf("/* js/search.js */") < jsBody.indexOf("/* modules/fixture-files/fixture-files.js */"));

    const image = await fetch(`${app.url}/assets/modules/fixture-files/marker.png?v=1`);
    t.is(image.status, 200);
    t.is(image.headers.get("content-type"), "image/png");
    for (const address of ["/assets/modules/fixture-files/%2e%2e/index.ts", "/assets/modules/fixture-files/..%2findex.ts", "/assets/modules/fixture-files/missing.png", "/assets/modules/no-such-module/marker.png"]) {
      const answer = await fetch(app.url + address);
      t.true([403, 404].includes(answer.status), `${address}: ${answer.status}`);
      t.false((await answer.text()).includes("defineModule"), address);
    }
  } finally {
    await app.close();
  }
});

test.serial("a module's edited stylesheet changes the bundle's address; a module listing a missing file fails alone", async (t) => {
  writeModule("restyled", { stylesheets: ["restyled.css"], scripts: ["restyled.js"] }, { "restyled.css": ".restyled-box { color: teal; }\n", "restyled.js": "window.restyled = 1\n" });
  writeModule("unstyled", { stylesheets: ["missing.css"] }, {});
  writeModule("escaping", { stylesheets: ["../index.ts"] }, {});
  const env = { AGORA_MODULE_PATHS: ["modules", fixtureModules, folder].join(path.delimiter) };
  const first = await startApp(env);
  let before: Awaited<ReturnType<typeof bundlesOf>>;
  try {
    before = await bundlesOf(first.url);
    t.true(before.cssBody.includes(".restyled-box { color: teal; }"));
    t.true(before.jsBody.includes("window.restyled = 1\n;"));
    const failed = new Map(first.app.registry.list().map((module) => [module.id, module.error]));
    t.regex(failed.get("unstyled") ?? "", /lists "missing\.css" in its assets but has no static\/missing\.css/);
    t.regex(failed.get("escaping") ?? "", /must be a list of paths under static/);
    t.false(before.cssBody.includes("escaping"), "a failed module adds nothing");
    t.is(failed.get("restyled"), null);
  } finally {
    await first.close();
  }
  writeFileSync(path.join(folder, "restyled", "static", "restyled.css"), ".restyled-box { color: navy; }\n");
  const second = await startApp(env);
  try {
    const after = await bundlesOf(second.url);
    t.not(after.css, before.css, "a new address, so browsers fetch the new sheet");
    t.is(after.js, before.js, "the scripts did not change");
    t.true(after.cssBody.includes(".restyled-box { color: navy; }"));
    t.false(after.cssBody.includes("teal"));
  } finally {
    await second.close();
  }
});
