import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Theme } from "./themes.ts";

/**
 * The page's stylesheets as one file (/assets/css/site.css) and its scripts as another (/assets/js/site.js):
 * a phone on a slow link fetches two files, not fifteen. Each theme's theme.json lists its files under
 * "stylesheets" and "scripts"; a bundle holds the root theme's first and each child's after (a child adds
 * to its parent), every file taken from the first theme of the chain that has it (a child may replace a
 * parent's file by its path). Then each installed module's own files (its definition's "assets", under
 * its static/ folder), whether or not it is switched on: switches change at runtime, bundles are made at
 * start, so a module's CSS is scoped to its own class names. URLs carry a hash of the content, so an edit
 * is fetched again without a new release.
 */
export interface AssetBundle {
  /** Its path under /assets/. */
  file: string;
  type: string;
  body: Buffer;
  hash: string;
}

const kinds = {
  stylesheets: { file: "css/site.css", type: "text/css; charset=utf-8", pattern: /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)*\.css$/ },
  // Each script keeps to itself (a function or a DOMContentLoaded handler): put end to end they run as they would one by one.
  scripts: { file: "js/site.js", type: "text/javascript; charset=utf-8", pattern: /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)*\.js$/ },
} as const;
type Kind = keyof typeof kinds;

/** A module's stylesheets and scripts (ModuleAssets in modules/types.ts, restated here: the registry's types import too much). */
export interface ModuleAssetSource {
  moduleId: string;
  /** The module's folder; its files are under static/. */
  directory: string;
  assets: { stylesheets?: unknown; scripts?: unknown };
}

/** The paths a manifest lists for one kind, checked: relative, plain names, never the bundle itself. */
function checkedList(files: unknown, kind: Kind, where: string): string[] {
  if (files === undefined) return [];
  const { file: bundleFile, pattern } = kinds[kind];
  if (!Array.isArray(files) || !files.every((file) => typeof file === "string" && pattern.test(file)))
    throw new Error(`${where}: "${kind}" must be a list of paths under static/ such as "${bundleFile.replace("site", "agora")}" (a-z, 0-9, -, _)`);
  if (files.includes(bundleFile)) throw new Error(`${where}: "${bundleFile}" is the bundle itself`);
  return files as string[];
}

function declared(theme: Theme, kind: Kind): string[] {
  const manifest = path.join(theme.directory, "theme.json");
  return checkedList((JSON.parse(readFileSync(manifest, "utf8")) as Record<string, unknown>)[kind], kind, manifest);
}

/** A module's files of one kind, named as in the bundle and found on disk; throws when one is malformed or missing. */
function moduleAssetFiles(module: ModuleAssetSource, kind: Kind): { label: string; source: string }[] {
  return checkedList(module.assets[kind], kind, `module "${module.moduleId}" assets`).map((file) => {
    const source = path.join(module.directory, "static", file);
    if (!existsSync(source)) throw new Error(`module "${module.moduleId}" lists "${file}" in its assets but has no static/${file}`);
    return { label: `modules/${module.moduleId}/${file}`, source };
  });
}

/** One file as it appears in a bundle, named by a comment. */
function part(label: string, source: string, kind: Kind) {
  // A script's last line may lack its semicolon: the next file must not continue its expression.
  return `/* ${label} */\n${readFileSync(source, "utf8").trimEnd()}${kind === "scripts" ? "\n;" : ""}\n`;
}

function bundle(themes: Theme[], modules: ModuleAssetSource[], kind: Kind): AssetBundle {
  const files = [...new Set([...themes].reverse().flatMap((theme) => declared(theme, kind)))];
  const parts = files.map((file) => {
    const source = themes.map((theme) => path.join(theme.directory, "static", file)).find((candidate) => existsSync(candidate));
    if (!source) throw new Error(`"${file}" is listed in a theme.json but no theme of the chain (${themes.map((theme) => theme.id).join(" → ")}) has static/${file}`);
    return part(file, source, kind);
  });
  for (const module of modules) parts.push(...moduleAssetFiles(module, kind).map(({ label, source }) => part(label, source, kind)));
  const body = Buffer.from(parts.join("\n"));
  const { file, type } = kinds[kind];
  return { file, type, body, hash: createHash("sha256").update(body).digest("hex").slice(0, 16) };
}

/** The stylesheet and script bundles of a theme chain and the installed modules, by their path under /assets/. */
export function assetBundles(themes: Theme[], modules: ModuleAssetSource[] = []): Map<string, AssetBundle> {
  return new Map((Object.keys(kinds) as Kind[]).map((kind) => bundle(themes, modules, kind)).map((made) => [made.file, made]));
}

/** Throws when a module's declared assets are malformed or missing: the loader then fails that module alone. */
export function checkModuleAssets(module: ModuleAssetSource) {
  for (const kind of Object.keys(kinds) as Kind[]) moduleAssetFiles(module, kind);
}
