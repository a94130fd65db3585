import { Op, QueryTypes, type Sequelize } from "sequelize";
import { Content, shownUserAttributes, User, type Container, type ContentTypeDefinition, type ContentPolicy } from "../../core/sdk/index.ts";
import type { ModuleRegistry } from "../../core/modules/registry.ts";
import { filesOfContents, type AttachmentView } from "../../core/content/attachments/entries.ts";
import { defaultPostingRoles, postPermission } from "./access.ts";
import { GroupShareNote } from "./models/share-note.ts";

/**
 * What a share entry shows: the original (rendered with its own type's template), or nothing when the viewer may not
 * read it; and the sharers' notes. Shares of one original share this item, so notes are by share content id.
 */
export interface SharedItem {
  /** Share content id → its note's sanitised HTML. */
  notes: Record<number, string>;
  original: {
    content: Content;
    item: unknown;
    template: string;
    author: User | null;
    container: Container & { url: string };
    url: string;
    /** The original's own files: shown only with the original, so only to those who may read it (and its files). */
    attachments: AttachmentView[];
  } | null;
}

function groupBy<T>(values: T[], key: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) groups.set(key(value), [...(groups.get(key(value)) ?? []), value]);
  return groups;
}

/**
 * The "share" content type: a reference to another content (refId = its id), shown in full only to
 * viewers who may read the original. One batch per kind of row, whatever the number of shares.
 */
export function shareContentType(registry: ModuleRegistry): ContentTypeDefinition {
  return {
    type: "share",
    // Its author edits the note (core's /c/:id/edit is the post type's).
    actions: (entry, viewer) => (entry.can.edit && entry.content.isLive && entry.content.authorId === viewer?.id ? [{ label: "groups:share.editNote", href: `/groups/share/${entry.content.id}/note` }] : []),
    template: "groups/share-entry.njk",
    async load(refIds: number[], policy: ContentPolicy, shares: Content[] = []) {
      const originals = refIds.length ? await Content.findAll({ where: { id: { [Op.in]: refIds } } }) : [];
      // A deleted or hidden original is gone for everyone who sees the share, its author and moderators included.
      const readable = (await policy.filterReadable(originals)).filter((content) => content.isLive && content.type !== "share");
      const items = new Map<string, unknown>();
      for (const [type, contents] of groupBy(readable, (content) => content.type)) {
        const loaded = await registry.contentType(type)!.load([...new Set(contents.map((content) => content.refId ?? content.id))], policy);
        for (const [refId, item] of loaded) items.set(`${type}:${refId}`, item);
      }
      const containers = new Map<string, Container & { url: string }>();
      for (const [type, contents] of groupBy(readable, (content) => content.containerType)) {
        const definition = registry.containerType(type);
        if (!definition) continue;
        for (const [id, container] of await definition.byIds([...new Set(contents.map((content) => content.containerId))])) {
          containers.set(`${type}:${id}`, { ...container, url: `${definition.routePrefix}/${container.slug}` });
        }
      }
      const authorIds = [...new Set(readable.map((content) => content.authorId))];
      const authors = new Map((authorIds.length ? await User.findAll({ where: { id: { [Op.in]: authorIds } }, attributes: shownUserAttributes }) : []).map((user) => [user.id, user]));
      const files = await filesOfContents(readable.map((content) => content.id));
      const notes: Record<number, string> = {};
      const shareIds = shares.map((share) => share.id);
      for (const note of shareIds.length ? await GroupShareNote.findAll({ where: { contentId: { [Op.in]: shareIds } } }) : []) notes[note.contentId] = note.bodyHtml;
      const byId = new Map(readable.map((content) => [content.id, content]));
      const result = new Map<number, SharedItem>();
      for (const refId of refIds) {
        const content = byId.get(refId);
        const item = content ? items.get(`${content.type}:${content.refId ?? content.id}`) : undefined;
        const container = content ? containers.get(content.streamKey) : undefined;
        result.set(
          refId,
          content && item !== undefined && container
            ? { notes, original: { content, item, template: registry.contentType(content.type)!.template, author: authors.get(content.authorId) ?? null, container, url: `/c/${content.id}`, attachments: files.get(content.id) ?? [] } }
            : { notes, original: null },
        );
      }
      return result;
    },
  };
}

/** The groups a user may post in (member, posting role, not archived), by name: the share form's choices, one query. */
export async function postableGroups(sequelize: Sequelize, userId: number): Promise<{ id: number; slug: string; name: string }[]> {
  const rows = await sequelize.query<{ id: number; slug: string; name: string; role: string; roles: string | null }>(
    `SELECT g.id, g.slug, g.name, m.role, p.roles FROM group_memberships m JOIN "groups" g ON g.id = m.group_id
     LEFT JOIN group_permissions p ON p.group_id = g.id AND p.permission_id = :permission
     WHERE m.user_id = :userId AND g.is_archived = :isArchived ORDER BY g.sort_name, g.id LIMIT 1000`,
    { replacements: { userId, permission: postPermission, isArchived: false }, type: QueryTypes.SELECT },
  );
  return rows
    .filter((row) => (row.roles ? (JSON.parse(row.roles) as string[]) : (defaultPostingRoles as readonly string[])).includes(row.role))
    .map((row) => ({ id: Number(row.id), slug: row.slug, name: row.name }));
}
