import type { ModuleRegistry } from "./registry.ts";
import type { Container, ContainerModules, ContainerModuleState } from "./types.ts";

/** host.containerModules for one module: what a container's managers see of the modules they may switch on there. */
export function containerModules(registry: ModuleRegistry, moduleId: string): ContainerModules {
  async function statesIn(container: Container) {
    const usable = registry.list().filter((module) => !module.error && module.id !== moduleId && module.scopes.includes(container.type));
    const states: { id: string; state: ContainerModuleState }[] = [];
    for (const module of usable) {
      let state: ContainerModuleState;
      if (!module.isEnabled) state = "unavailable";
      else if (module.state === "forced") state = "forced";
      else state = (await registry.isEnabledIn(module.id, container)) ? "enabled" : "disabled";
      states.push({ id: module.id, state });
    }
    return states;
  }
  return {
    statesIn,
    set: (id, container, state) => registry.setContainerState(id, container, state),
    async permissionsIn(container) {
      const onHere = new Set((await statesIn(container)).filter((module) => module.state === "enabled" || module.state === "forced").map((module) => module.id));
      return [...registry.permissions.values()].filter(
        (permission) => permission.scope === container.type && registry.isEnabled(permission.moduleId) && (permission.moduleId === moduleId || onHere.has(permission.moduleId)),
      );
    },
  };
}
