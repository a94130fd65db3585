import { existsSync, readFileSync } from "node:fs";
import path from "node:path";


export interface Theme {
  id: string;
  directory: string;
}

/**
 * The active theme then its parents, following theme.json "extends"; each is looked up in the theme
 * folders in order (AGORA_THEME_PATHS, default "themes"). A missing theme is a config error.
 */
export function themeChain(themeId: string, themePaths: string[]): Theme[] {
  const roots = themePaths.map((root) => path.resolve(root));
  const chain: Theme[] = [];
  let current: string | undefined = themeId;
  while (current) {
    if (chain.some((theme) => theme.id === current)) throw new Error(`theme "${current}" extends itself`);
    const id: string = current;
    const directory = roots.map((root) => path.join(root, id)).find((candidate) => existsSync(path.join(candidate, "theme.json")));
    if (!directory) throw new Error(`theme "${id}" not found in ${roots.join(", ")}`);
    const manifest = path.join(directory, "theme.json");
    const { extends: parent } = JSON.parse(readFileSync(manifest, "utf8")) as { extends?: string };
    chain.push({ id: current, directory });
    current = parent;
  }
  return chain;
}
