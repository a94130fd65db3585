import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Theme } from "./themes.ts";

/**
 * The page's stylesheets as one file, served at /assets/css/site.css: a phone on a slow link fetches one
 * render-blocking sheet, not nine. Each theme's theme.json lists its sheets under "stylesheets"; the
 * bundle holds the root theme's first and each child's after (a child adds to its parent), every file
 * taken from the first theme of the chain that has it (a child may replace a parent's file by its path).
 * Its URL carries a hash of the content, so an edited sheet is fetched again without a new release.
 */
export interface StylesheetBundle {
  file: string;
  body: Buffer;
  hash: string;
}

export const stylesheetBundleFile = "css/site.css";

const sheetPattern = /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)*\.css$/;

function declaredSheets(theme: Theme): string[] {
  const manifest = path.join(theme.directory, "theme.json");
  const sheets: unknown = (JSON.parse(readFileSync(manifest, "utf8")) as { stylesheets?: unknown }).stylesheets;
  if (sheets === undefined) return [];
  if (!Array.isArray(sheets) || !sheets.every((sheet) => typeof sheet === "string" && sheetPattern.test(sheet)))
    throw new Error(`${manifest}: "stylesheets" must be a list of paths under static/ such as "css/agora.css" (a-z, 0-9, -, _)`);
  if (sheets.includes(stylesheetBundleFile)) throw new Error(`${manifest}: "${stylesheetBundleFile}" is the bundle itself`);
  return sheets as string[];
}

export function stylesheetBundle(themes: Theme[]): StylesheetBundle {
  const sheets = [...new Set([...themes].reverse().flatMap(declaredSheets))];
  const parts = sheets.map((sheet) => {
    const source = themes.map((theme) => path.join(theme.directory, "static", sheet)).find((candidate) => existsSync(candidate));
    if (!source) throw new Error(`stylesheet "${sheet}" is listed in a theme.json but no theme of the chain (${themes.map((theme) => theme.id).join(" → ")}) has static/${sheet}`);
    return `/* ${sheet} */\n${readFileSync(source, "utf8").trimEnd()}\n`;
  });
  const body = Buffer.from(parts.join("\n"));
  return { file: stylesheetBundleFile, body, hash: createHash("sha256").update(body).digest("hex").slice(0, 16) };
}
