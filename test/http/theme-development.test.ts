import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";

// In development the asset bundles are made again on every use, as templates are re-read: an edited
// stylesheet shows on the next page without a restart. (This file's worker runs the app in development.)
const folder = mkdtempSync(path.join(os.tmpdir(), "agora-dev-theme-"));
const sheet = path.join(folder, "dev-child", "static", "css", "dev.css");
let app: TestApp;
test.before(async () => {
  mkdirSync(path.dirname(sheet), { recursive: true });
  writeFileSync(path.join(folder, "dev-child", "theme.json"), JSON.stringify({ id: "dev-child", extends: "default", stylesheets: ["css/dev.css"] }));
  writeFileSync(sheet, ".dev-first { color: red; }\n");
  process.env.NODE_ENV = "development";
  app = await startApp({ AGORA_THEME: "dev-child", AGORA_THEME_PATHS: ["themes", folder].join(path.delimiter) });
});
test.after.always(async () => {
  await app?.close();
  rmSync(folder, { recursive: true, force: true });
});

const stylesheetHref = async () => /<link rel="stylesheet" href="([^"]+)"/.exec((await app.client().get("/login")).text)![1];

test("an edited stylesheet is in the next page's bundle, under a new URL", async (t) => {
  const before = await stylesheetHref();
  t.regex(await (await fetch(`${app.url}${before}`)).text(), /\.dev-first/);
  writeFileSync(sheet, ".dev-second { color: blue; }\n");
  const after = await stylesheetHref();
  t.not(after, before);
  const css = await (await fetch(`${app.url}${after}`)).text();
  t.regex(css, /\.dev-second/);
  t.notRegex(css, /\.dev-first/);
});
