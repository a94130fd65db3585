import { Op } from "sequelize";
import type { Content } from "../models/content.ts";
import { shownUserAttributes, User } from "../models/user.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { Container, EntryOptions, StreamEntry } from "../modules/types.ts";
import type { ContentPolicy } from "../policies/content.ts";
import { addComments } from "./comments/entries.ts";
import { addReactions } from "./reactions/entries.ts";
import { addAttachments } from "./attachments/entries.ts";
import { addFollowing } from "../notifications/entries.ts";
import { addLinkPreviews } from "./link-previews/entries.ts";

// The entry's shape is part of the module contract (core/modules/types.ts), where features add their fields.
export type { EntryOptions, StreamEntry, StreamEntryExtras } from "../modules/types.ts";

/** Features that decorate a page of entries, each in a bounded number of queries. */
const decorators = [addComments, addReactions, addAttachments, addLinkPreviews, addFollowing];

/**
 * Turns readable contents into entries: authors, containers and each type's rows are batch-loaded
 * (one query per kind, never per entry); content of a switched-off type is dropped.
 */
export async function loadEntries(registry: ModuleRegistry, policy: ContentPolicy, contents: Content[], options: EntryOptions = {}): Promise<StreamEntry[]> {
  const shown = contents.filter((content) => registry.contentType(content.type));
  if (shown.length === 0) return [];
  await policy.loadRoles(shown);

  const authorIds = [...new Set(shown.map((content) => content.authorId))];
  const authors = new Map((await User.findAll({ where: { id: { [Op.in]: authorIds } }, attributes: shownUserAttributes })).map((user) => [user.id, user]));

  const containers = new Map<string, Container>();
  for (const [type, ids] of groupBy(shown, (content) => content.containerType, (content) => content.containerId)) {
    const definition = registry.containerType(type);
    if (!definition) continue;
    for (const [id, container] of await definition.byIds([...new Set(ids)])) containers.set(`${type}:${id}`, container);
  }

  const items = new Map<string, unknown>();
  for (const [type, refIds] of groupBy(shown, (content) => content.type, (content) => content.refId ?? content.id)) {
    const loaded = await registry.contentType(type)!.load([...new Set(refIds)], policy, shown.filter((content) => content.type === type));
    for (const [refId, item] of loaded) items.set(`${type}:${refId}`, item);
  }

  const decorations = options.decorations ?? (await registry.entryDecorations(shown, policy.user));
  const entries: StreamEntry[] = [];
  for (const content of shown) {
    const container = containers.get(content.streamKey);
    const item = items.get(`${content.type}:${content.refId ?? content.id}`);
    if (!container || item === undefined) continue;
    const definition = registry.containerType(content.containerType)!;
    const [canEdit, canDelete, canRestore, canModerate, canManage] = await Promise.all([
      policy.canEdit(content),
      policy.canDelete(content),
      policy.canRestore(content),
      policy.canModerate(content),
      policy.canManage(content),
    ]);
    const can = { edit: canEdit, delete: canDelete, restore: canRestore, moderate: canModerate, manage: canManage, comment: content.isLive && Boolean(policy.user) };
    entries.push({
      content,
      item,
      template: registry.contentType(content.type)!.template,
      author: authors.get(content.authorId) ?? null,
      container: { ...container, url: `${definition.routePrefix}/${container.slug}` },
      url: `/c/${content.id}`,
      can,
      actions: registry.entryActions({ content, item, can }, policy.user),
      decorations: decorations.get(content.id) ?? [],
    });
  }
  for (const decorate of options.nested ? [addAttachments] : decorators) await decorate(entries, policy, options);
  return entries;
}

function groupBy<T, V>(values: T[], key: (value: T) => string, value: (value: T) => V): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  for (const entry of values) groups.set(key(entry), [...(groups.get(key(entry)) ?? []), value(entry)]);
  return groups;
}
