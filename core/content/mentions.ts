import { Op, type Transaction } from "sequelize";
import { Mention } from "../models/mention.ts";
import { User } from "../models/user.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { Container } from "../modules/types.ts";
import { extractMentions, type LinkTargets } from "./markdown.ts";

/** More names than this in one text are ignored: a mention is a call to someone, not a mailing list. */
export const maxMentions = 50;

/** The word that mentions a whole container, by type: @everyone on the company stream, @group in a group. */
export function containerMentionWord(container: Container): string | null {
  if (container.type === "company") return "everyone";
  if (container.type === "user") return null;
  return container.type;
}

export interface ResolvedMentions {
  targets: LinkTargets;
  /** Mentioned people who may read the container: the only ones recorded and notified. */
  readerIds: number[];
  mentionsContainer: boolean;
}

/**
 * Resolves @names in a text written in a container. Everyone who exists gets a link, but only those who
 * can read the container are recorded: a mention never tells an outsider that the content exists.
 */
export async function resolveMentions(registry: ModuleRegistry, source: string, container: Container, options: { mayMentionContainer: boolean; containerUrl: string }): Promise<ResolvedMentions> {
  const word = containerMentionWord(container);
  const names = extractMentions(source).slice(0, maxMentions);
  const mentionsContainer = Boolean(word && options.mayMentionContainer && names.includes(word));
  const people = names.length ? await User.findAll({ where: { username: { [Op.in]: names }, status: "active" } }) : [];
  const definition = registry.containerType(container.type);
  const readerIds: number[] = [];
  for (const person of people) {
    if (definition && (await definition.canRead(person, container))) readerIds.push(person.id);
  }
  return {
    targets: {
      usernames: new Set(people.map((person) => person.username)),
      containerMention: mentionsContainer ? { word: word!, href: options.containerUrl } : undefined,
    },
    readerIds,
    mentionsContainer,
  };
}

/** Records mentions not already recorded for this content or comment; returns the newly mentioned people. */
export async function recordMentions(transaction: Transaction, target: { contentId: number; commentId?: number | null }, userIds: number[]): Promise<number[]> {
  if (userIds.length === 0) return [];
  const commentId = target.commentId ?? null;
  const existing = await Mention.findAll({ where: { contentId: target.contentId, commentId, userId: { [Op.in]: userIds } }, transaction });
  const known = new Set(existing.map((mention) => mention.userId));
  const fresh = userIds.filter((id) => !known.has(id));
  await Mention.bulkCreate(fresh.map((userId) => ({ contentId: target.contentId, commentId, userId })), { transaction });
  return fresh;
}
