import { Op, QueryTypes, type Sequelize } from "sequelize";
import { Content, type ContentTypeDefinition, type ContentPolicy, type Host, type StreamEntry } from "../../core/sdk/index.ts";
import { defaultPostingRoles, postPermission } from "./access.ts";
import { GroupShareNote } from "./models/share-note.ts";

/**
 * What a share entry shows: the original's entry (rendered with its own type's template, with its files), or
 * nothing when the viewer may not read it; and the sharers' notes. Shares of one original share this item, so
 * notes are by share content id.
 */
export interface SharedItem {
  /** Share content id → its note's sanitised HTML. */
  notes: Record<number, string>;
  /** Its files are shown only with the original, so only to those who may read it (and its files). */
  original: StreamEntry | null;
}

/**
 * The "share" content type: a reference to another content (refId = its id), shown in full only to
 * viewers who may read the original. The originals are loaded as entries nested in the shares (one batch
 * whatever the number of shares), the notes in one query.
 */
export function shareContentType(host: Pick<Host, "entries">): ContentTypeDefinition {
  return {
    type: "share",
    // Its author edits the note (core's /c/:id/edit is the post type's).
    actions: (entry, viewer) => (entry.can.edit && entry.content.isLive && entry.content.authorId === viewer?.id ? [{ label: "groups:share.editNote", href: `/groups/share/${entry.content.id}/note` }] : []),
    template: "groups/share-entry.njk",
    async load(refIds: number[], policy: ContentPolicy, shares: Content[] = []) {
      const originals = refIds.length ? await Content.findAll({ where: { id: { [Op.in]: refIds } } }) : [];
      // A deleted or hidden original is gone for everyone who sees the share, its author and moderators included.
      const readable = (await policy.filterReadable(originals)).filter((content) => content.isLive && content.type !== "share");
      const entries = new Map((await host.entries(policy, readable, { nested: true })).map((entry) => [entry.content.id, entry]));
      const notes: Record<number, string> = {};
      const shareIds = shares.map((share) => share.id);
      for (const note of shareIds.length ? await GroupShareNote.findAll({ where: { contentId: { [Op.in]: shareIds } } }) : []) notes[note.contentId] = note.bodyHtml;
      return new Map(refIds.map((refId): [number, SharedItem] => [refId, { notes, original: entries.get(refId) ?? null }]));
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
