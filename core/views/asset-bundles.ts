import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Theme } from "./themes.ts";

/**
 * The page's stylesheets as one file (/assets/css/site.css) and its scripts as another (/assets/js/site.js):
 * a phone on a slow link fetches two files, not fifteen. Each theme's theme.json lists its files under
 * "stylesheets" and "scripts"; a bundle holds the root theme's first and each child's after (a child adds
 * to its parent), every file taken from the first theme of the chain that has it (a child may replace a
 * parent's file by its path). URLs carry a hash of the content, so an edit is fetched again without a
 * new release.
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

function declared(theme: Theme, kind: Kind): string[] {
  const manifest = path.join(theme.directory, "theme.json");
  const files: unknown = (JSON.parse(readFileSync(manifest, "utf8")) as Record<string, unknown>)[kind];
  if (files === undefined) return [];
  const { file: bundleFile, pattern } = kinds[kind];
  if (!Array.isArray(files) || !files.every((file) => typeof file === "string" && pattern.test(file)))
    throw new Error(`${manifest}: "${kind}" must be a list of paths under static/ such as "${bundleFile.replace("site", "agora")}" (a-z, 0-9, -, _)`);
  if (files.includes(bundleFile)) throw new Error(`${manifest}: "${bundleFile}" is the bundle itself`);
  return files as string[];
}

function bundle(themes: Theme[], kind: Kind): AssetBundle {
  const files = [...new Set([...themes].reverse().flatMap((theme) => declared(theme, kind)))];
  const parts = files.map((file) => {
    const source = themes.map((theme) => path.join(theme.directory, "static", file)).find((candidate) => existsSync(candidate));
    if (!source) throw new Error(`"${file}" is listed in a theme.json but no theme of the chain (${themes.map((theme) => theme.id).join(" → ")}) has static/${file}`);
    // A script's last line may lack its semicolon: the next file must not continue its expression.
    return `/* ${file} */\n${readFileSync(source, "utf8").trimEnd()}${kind === "scripts" ? "\n;" : ""}\n`;
  });
  const body = Buffer.from(parts.join("\n"));
  const { file, type } = kinds[kind];
  return { file, type, body, hash: createHash("sha256").update(body).digest("hex").slice(0, 16) };
}

/** The stylesheet and script bundles of a theme chain, by their path under /assets/. */
export function assetBundles(themes: Theme[]): Map<string, AssetBundle> {
  return new Map((Object.keys(kinds) as Kind[]).map((kind) => bundle(themes, kind)).map((made) => [made.file, made]));
}
