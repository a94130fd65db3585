import { Op, type Sequelize, type Transaction } from "sequelize";
import { Content } from "../../models/content.ts";
import type { ModuleRegistry } from "../../modules/registry.ts";
import type { ContentTypeDefinition } from "../../modules/types.ts";
import { restoreWindowMs } from "../../policies/content.ts";

export interface PurgeServices {
  sequelize: Sequelize;
  registry: ModuleRegistry;
}

/** The content types registered and on right now, by name. */
function activeContentTypes(registry: ModuleRegistry): Map<string, ContentTypeDefinition> {
  const active = new Map<string, ContentTypeDefinition>();
  for (const type of registry.contentTypes.keys()) {
    const definition = registry.contentType(type);
    if (definition) active.set(type, definition);
  }
  return active;
}

/** The refIds of a batch of contents, grouped by type. */
function refIdsByType(contents: Content[]): Map<string, number[]> {
  const grouped = new Map<string, Set<number>>();
  for (const { type, refId } of contents) {
    if (refId === null) continue;
    grouped.set(type, (grouped.get(type) ?? new Set()).add(refId));
  }
  return new Map([...grouped].map(([type, refIds]) => [type, [...refIds]]));
}

/**
 * Deletes for good what was soft-deleted longer ago than the restore window, a batch at a time:
 * each type's own rows (its purge hook: post rows for posts), then the content rows (comments,
 * reactions, mentions, topics, revisions and attachment rows cascade), in one transaction.
 * Attachment files leave the disk after the commit (attachments/removal.ts). Returns how many contents went.
 */
export async function purgeDeletedContents(services: PurgeServices, now = new Date(), batchSize = 500): Promise<number> {
  const { sequelize, registry } = services;
  // A module switched off in another process counts too: its contents must keep their rows.
  await registry.refreshStates();
  const types = activeContentTypes(registry);
  // Contents of a type not registered or switched off right now are skipped, not purged without their
  // rows (only the module can remove those): they wait until the module is back. Filtering in the query
  // keeps them from filling every batch.
  const expired = await Content.findAll({
    where: { deletedAt: { [Op.lt]: new Date(now.getTime() - restoreWindowMs) }, type: { [Op.in]: [...types.keys()] } },
    attributes: ["id", "type", "refId"],
    order: [["id", "ASC"]],
    limit: batchSize,
  });
  if (expired.length === 0) return 0;
  await sequelize.transaction((transaction) => deleteContentsForGood(types, expired, transaction));
  return expired.length;
}

/**
 * Hard-deletes contents with the rows behind them: each type's purge hook first (a module table that
 * references its content row must not block the delete), then the content rows (comments, reactions,
 * mentions, topics, revisions and attachment rows cascade). `types` says which hooks to run.
 */
export async function deleteContentsForGood(types: ReadonlyMap<string, ContentTypeDefinition>, contents: Content[], transaction: Transaction): Promise<void> {
  if (contents.length === 0) return;
  for (const [type, refIds] of refIdsByType(contents)) await types.get(type)?.purge?.(refIds, { transaction });
  await Content.destroy({ where: { id: { [Op.in]: contents.map((content) => content.id) } }, transaction });
}
