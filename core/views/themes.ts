import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export const themesRoot = path.resolve(import.meta.dirname, "../../themes");

export interface Theme {
  id: string;
  directory: string;
}

/** The active theme then its parents, following theme.json "extends"; a missing theme is a config error. */
export function themeChain(themeId: string): Theme[] {
  const chain: Theme[] = [];
  let current: string | undefined = themeId;
  while (current) {
    if (chain.some((theme) => theme.id === current)) throw new Error(`theme "${current}" extends itself`);
    const directory = path.join(themesRoot, current);
    const manifest = path.join(directory, "theme.json");
    if (!existsSync(manifest)) throw new Error(`theme "${current}" not found: ${manifest} is missing`);
    const { extends: parent } = JSON.parse(readFileSync(manifest, "utf8")) as { extends?: string };
    chain.push({ id: current, directory });
    current = parent;
  }
  return chain;
}
