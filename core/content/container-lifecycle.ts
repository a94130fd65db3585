import type { Transaction } from "sequelize";
import { Content, streamKeyOf } from "../models/content.ts";
import { ModuleState } from "../models/module-state.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { Container, ContainerApi, ContainerChangeOptions, ModuleDefinition } from "../modules/types.ts";
import { deleteContentsForGood } from "./moderation/purge.ts";

/** Every module loaded, switched on or not: a module switched off still has rows kept for the container. */
function loadedModules(registry: ModuleRegistry): ModuleDefinition[] {
  return registry.list().flatMap((info) => registry.definition(info.id) ?? []);
}

/**
 * A module's clean-up for a container that goes: its onContainerRemoved, or else the clean-up it runs when
 * switched off there (onDisable[type], for a module usable in such containers).
 */
async function removeModuleRows(definition: ModuleDefinition, container: Container, transaction: Transaction) {
  if (definition.onContainerRemoved) return definition.onContainerRemoved(container, { transaction });
  const cleanUp = definition.onDisable?.[container.type] as ((container: Container, transaction: Transaction) => Promise<unknown>) | undefined;
  if (cleanUp && definition.scopes.includes(container.type)) await cleanUp(container, transaction);
}

/**
 * Removes what core and every module keep for a container about to go, in the caller's transaction: each
 * module's rows (its hook), the container's contents for good with the rows behind them (each type's purge
 * hook, its module on or not), the container's module switches. The owner deletes its container row in
 * the same transaction; `container.removed` is emitted once it commits.
 */
export async function removeContainer(registry: ModuleRegistry, container: Container, { transaction, by }: ContainerChangeOptions): Promise<void> {
  for (const definition of loadedModules(registry)) await removeModuleRows(definition, container, transaction);
  const contents = await Content.findAll({ where: { streamKey: streamKeyOf(container.type, container.id) }, attributes: ["id", "type", "refId"], transaction });
  await deleteContentsForGood(registry.contentTypes, contents, transaction);
  await ModuleState.destroy({ where: { containerType: container.type, containerId: container.id }, transaction });
  transaction.afterCommit(() => void registry.hooks.emit("container.removed", { container, by }));
}

/**
 * Tells every module that a container was archived (read-only: stop its deadlines, freeze its rows) or
 * brought back, in the caller's transaction (the owner sets its own flag there); `container.archived` is
 * emitted once it commits.
 */
export async function archiveContainer(registry: ModuleRegistry, container: Container, isArchived: boolean, { transaction, by }: ContainerChangeOptions): Promise<void> {
  for (const definition of loadedModules(registry)) await definition.onContainerArchived?.(container, { transaction, isArchived });
  transaction.afterCommit(() => void registry.hooks.emit("container.archived", { container, isArchived, by }));
}

/** host.containers for one module: the lifecycle of the container types it registered, no other. */
export function moduleContainerApi(registry: ModuleRegistry, moduleId: string): ContainerApi {
  const own = (container: Container) => {
    if (registry.containerTypeOwner(container.type) !== moduleId) throw new Error(`module "${moduleId}" removes or archives only its own container types, not "${container.type}"`);
  };
  return {
    async remove(container, options) {
      own(container);
      await removeContainer(registry, container, options);
    },
    async archive(container, options) {
      own(container);
      await archiveContainer(registry, container, true, options);
    },
    async unarchive(container, options) {
      own(container);
      await archiveContainer(registry, container, false, options);
    },
  };
}
