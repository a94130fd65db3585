import type { ModuleRegistry } from "../../core/modules/registry.ts";
import type { Container, PermissionDefinition } from "../../core/sdk/index.ts";

/** A module's state in one group: off for the whole site, forced on by the site admin, or the group admins' choice. */
export type GroupModuleState = "unavailable" | "forced" | "enabled" | "disabled";

export interface GroupModule {
  id: string;
  state: GroupModuleState;
}

/** Every module that can be used inside groups (but the groups module itself), with its state in this group. */
export async function groupModules(registry: ModuleRegistry, container: Container): Promise<GroupModule[]> {
  const modules = registry.list().filter((module) => !module.error && module.id !== "groups" && module.scopes.includes("group"));
  const result: GroupModule[] = [];
  for (const module of modules) {
    let state: GroupModuleState;
    if (!module.isEnabled) state = "unavailable";
    else if (module.state === "forced") state = "forced";
    else state = (await registry.isEnabledIn(module.id, container)) ? "enabled" : "disabled";
    result.push({ id: module.id, state });
  }
  return result;
}

/** The group-scope permissions of the groups module and of every module on in this group: the rows of its permission screen. */
export async function groupPermissions(registry: ModuleRegistry, container: Container): Promise<(PermissionDefinition & { moduleId: string })[]> {
  const onHere = new Set((await groupModules(registry, container)).filter((m) => m.state === "enabled" || m.state === "forced").map((m) => m.id));
  return [...registry.permissions.values()].filter(
    (permission) => permission.scope === "group" && registry.isEnabled(permission.moduleId) && (permission.moduleId === "groups" || onHere.has(permission.moduleId)),
  );
}
