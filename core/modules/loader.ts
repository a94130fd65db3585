import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Logger } from "pino";
import type { ModuleDefinition } from "./types.ts";
import { checkModuleAssets } from "../views/asset-bundles.ts";

export interface DiscoveredModule {
  id: string;
  directory: string;
  definition: ModuleDefinition | null;
  /** Why the module could not be loaded or registered; it stays disabled. */
  error: string | null;
}

const moduleId = /^[a-z][a-z0-9-]{1,40}$/;

function checkDefinition(value: unknown, folder: string): ModuleDefinition {
  const definition = value as ModuleDefinition | undefined;
  if (!definition || typeof definition !== "object") throw new Error("index.ts must default-export defineModule({...})");
  if (!moduleId.test(definition.id ?? "")) throw new Error(`invalid module id "${definition.id}"`);
  if (definition.id !== folder) throw new Error(`module id "${definition.id}" does not match its folder "${folder}"`);
  if (typeof definition.version !== "string") throw new Error("version is required");
  if (!Array.isArray(definition.scopes) || definition.scopes.length === 0) throw new Error("scopes is required");
  return definition;
}

/** Imports every module folder under the given paths; a module that throws is kept, marked failed. */
export async function discoverModules(modulePaths: string[], logger: Logger): Promise<DiscoveredModule[]> {
  const found: DiscoveredModule[] = [];
  for (const base of modulePaths.map((p) => path.resolve(p))) {
    if (!existsSync(base)) continue;
    for (const folder of readdirSync(base).sort()) {
      const directory = path.join(base, folder);
      const entry = path.join(directory, "index.ts");
      if (!statSync(directory).isDirectory() || !existsSync(entry)) continue;
      if (found.some((m) => m.id === folder)) {
        logger.error({ module: folder, directory }, "module id already loaded from another path; skipped");
        continue;
      }
      try {
        const imported = await import(pathToFileURL(entry).href);
        const definition = checkDefinition(imported.default, folder);
        if (definition.assets) checkModuleAssets({ moduleId: folder, directory, assets: definition.assets });
        found.push({ id: folder, directory, definition, error: null });
      } catch (error) {
        logger.error({ module: folder, err: error }, "module failed to load; it stays disabled");
        found.push({ id: folder, directory, definition: null, error: String((error as Error)?.message ?? error) });
      }
    }
  }
  return orderByRequires(found);
}

/** Puts each module after the modules it requires; a missing or circular requirement fails the module. */
function orderByRequires(modules: DiscoveredModule[]): DiscoveredModule[] {
  const byId = new Map(modules.map((m) => [m.id, m]));
  const ordered: DiscoveredModule[] = [];
  const visiting = new Set<string>();
  const visit = (module: DiscoveredModule) => {
    if (ordered.includes(module)) return;
    if (visiting.has(module.id)) {
      module.error ??= "circular requires";
      return;
    }
    visiting.add(module.id);
    for (const required of module.definition?.requires ?? []) {
      const dependency = byId.get(required);
      if (!dependency) module.error ??= `requires missing module "${required}"`;
      else {
        visit(dependency);
        if (dependency.error) module.error ??= `requires failed module "${required}"`;
      }
    }
    visiting.delete(module.id);
    ordered.push(module);
  };
  modules.forEach(visit);
  return ordered;
}
