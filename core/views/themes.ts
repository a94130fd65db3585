import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

const themeIdPattern = /^[a-z0-9-]+$/;

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
    // "extends" comes from a file: a value like "../x" must not reach outside the theme folders.
    if (!themeIdPattern.test(id)) throw new Error(`theme "${id}" is not a theme folder name (a-z, 0-9, -)`);
    const directory = roots.map((root) => path.join(root, id)).find((candidate) => existsSync(path.join(candidate, "theme.json")));
    if (!directory) throw new Error(`theme "${id}" not found in ${roots.join(", ")}`);
    const manifest = path.join(directory, "theme.json");
    let parent: unknown;
    try {
      parent = (JSON.parse(readFileSync(manifest, "utf8")) as { extends?: unknown }).extends;
    } catch (error) {
      throw new Error(`${manifest} is not valid JSON: ${(error as Error).message}`);
    }
    if (parent !== undefined && typeof parent !== "string") throw new Error(`${manifest}: "extends" must be a theme id`);
    chain.push({ id: current, directory });
    current = parent as string | undefined;
  }
  return chain;
}
