import { UniqueConstraintError, type Transaction } from "sequelize";
import { type User, type ContainerApi, audit, HttpError, plainText } from "../../../core/sdk/index.ts";
import { Group, containerOf, type Visibility } from "../models/group.ts";
import { GroupMembership } from "../models/membership.ts";
import { freeSlug, normalizeTags, secretSlug, slugify } from "../slugs.ts";

/** Characters of the description shown on a directory card. */
const summaryLength = 180;

export interface GroupInput {
  name: string;
  slug?: string | null;
  description: string;
  visibility: Visibility;
  categoryId: number | null;
  tags: string;
}

/** A field the form should show an error on (slug taken...): the route re-renders the form with it. */
export class GroupFieldError extends HttpError {
  constructor(
    readonly field: string,
    key: string,
  ) {
    super(422, key);
  }
}

const sequelize = () => Group.sequelize!;

/** Attempts at an automatic address when another creation takes the same one at the same moment. */
const slugAttempts = 3;

/**
 * Creates a group with its creator as owner, in one transaction. The address: a secret group's gets a
 * random tail (secretSlug); otherwise the chosen one, or one made from the name (then a concurrent
 * creation that took it first makes this one try the next free one, instead of an error about an
 * address the creator did not choose).
 */
export async function createGroup(creator: User, input: GroupInput, transaction?: Transaction): Promise<Group> {
  const isAutomatic = !input.slug && input.visibility !== "secret";
  for (let attempt = 1; ; attempt++) {
    const slug = input.visibility === "secret" ? secretSlug(input.slug || slugify(input.name)) : input.slug || (await freeSlug(slugify(input.name), transaction));
    const write = async (t: Transaction) => {
      const group = await Group.create(
        {
          slug,
          ...editableFields(input),
          createdBy: creator.id,
          // The owner's membership below counts them (trigger).
          memberCount: 0,
        },
        { transaction: t },
      );
      await GroupMembership.create({ groupId: group.id, userId: creator.id, role: "owner" }, { transaction: t });
      return group;
    };
    try {
      return transaction ? await write(transaction) : await sequelize().transaction(write);
    } catch (error) {
      if (!(error instanceof UniqueConstraintError)) throw error;
      if (isAutomatic && !transaction && attempt < slugAttempts) continue;
      throw new GroupFieldError("slug", "groups:errors.slugTaken");
    }
  }
}

/** The columns a group's form sets, on creation and on every update alike. */
function editableFields(input: GroupInput) {
  return {
    name: input.name,
    sortName: input.name.toLowerCase(),
    description: input.description,
    summary: plainText(input.description, summaryLength),
    visibility: input.visibility,
    categoryId: input.categoryId,
    tags: normalizeTags(input.tags),
  };
}

/**
 * The address after an update: a group that is or becomes secret gets a fresh random tail whenever its
 * address would otherwise be one somebody chose or could guess (made secret now, or a new address typed).
 */
function updatedSlug(group: Group, input: GroupInput): string | undefined {
  const typed = input.slug && input.slug !== group.slug ? input.slug : null;
  if (input.visibility === "secret" && (group.visibility !== "secret" || typed)) return secretSlug(typed ?? group.slug);
  return typed ?? undefined;
}

/** Name, description, visibility, category, tags and (for instance admins) the default-group flag. */
export async function updateGroup(actor: User, group: Group, input: GroupInput & { isDefault?: boolean }): Promise<void> {
  const slug = updatedSlug(group, input);
  const changes = {
    ...editableFields(input),
    ...(slug ? { slug } : {}),
    ...(actor.isAdmin && input.isDefault !== undefined ? { isDefault: input.isDefault } : {}),
  };
  try {
    await group.update(changes);
  } catch (error) {
    if (error instanceof UniqueConstraintError) throw new GroupFieldError("slug", "groups:errors.slugTaken");
    throw error;
  }
}

/** Archived: read-only and out of the directory by default; restorable. Every module hears of it (host.containers). */
export async function setArchived(containers: ContainerApi, actor: User, group: Group, isArchived: boolean): Promise<void> {
  await sequelize().transaction(async (transaction) => {
    await group.update({ isArchived, archivedAt: isArchived ? new Date() : null }, { transaction });
    const options = { transaction, by: actor };
    await (isArchived ? containers.archive(containerOf(group), options) : containers.unarchive(containerOf(group), options));
    await audit(actor, isArchived ? "group.archived" : "group.restored", { type: "group", id: group.id }, { slug: group.slug }, transaction);
  });
}

/**
 * Deletes a group and everything in it in one transaction: core removes what every module keeps for it,
 * its contents for good and its module states (host.containers.remove), then the group goes
 * (memberships, requests, invitations, permissions and images cascade).
 */
export async function deleteGroup(containers: ContainerApi, actor: User, group: Group): Promise<void> {
  await sequelize().transaction(async (transaction) => {
    await containers.remove(containerOf(group), { transaction, by: actor });
    await group.destroy({ transaction });
    await audit(actor, "group.deleted", { type: "group", id: group.id }, { slug: group.slug, name: group.name }, transaction);
  });
}
