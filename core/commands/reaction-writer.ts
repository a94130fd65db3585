import { UniqueConstraintError, literal, type Sequelize, type Transaction } from "sequelize";
import type { Comment } from "../models/comment.ts";
import { Content } from "../models/content.ts";
import { Reaction, type ReactionKind } from "../models/reaction.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { ContentPolicy } from "../policies/content.ts";
import { forbidden } from "../http/errors.ts";

export interface ReactionWriterServices {
  sequelize: Sequelize;
  registry: ModuleRegistry;
}

/** What is reacted to: a readable content, or one of its comments the viewer can see. */
export interface ReactionSubject {
  content: Content;
  comment: Comment | null;
}

/** Keeps contents.reaction_count (reactions on the content itself) right, in the transaction of the change. */
function adjustReactionCount(transaction: Transaction, subject: ReactionSubject, delta: 1 | -1) {
  if (subject.comment) return Promise.resolve();
  return Content.update({ reactionCount: literal(`reaction_count ${delta > 0 ? "+" : "-"} 1`) }, { where: { id: subject.content.id }, transaction, silent: true });
}

async function toggleOnce(services: ReactionWriterServices, subject: ReactionSubject, userId: number, kind: ReactionKind): Promise<Reaction | null> {
  return services.sequelize.transaction(async (transaction) => {
    // Clicks on one item take turns on its content row (PostgreSQL; SQLite's writes already do): without it,
    // concurrent toggles raced to the unique index or deadlocked on the count update.
    await Content.findByPk(subject.content.id, { attributes: ["id"], transaction, lock: transaction.LOCK.UPDATE });
    const where = { contentId: subject.content.id, commentId: subject.comment?.id ?? null, userId };
    const existing = await Reaction.findOne({ where, transaction });
    if (existing?.kind === kind) {
      // Counted by rows really deleted: a concurrent click may have taken it back already.
      if (await Reaction.destroy({ where: { id: existing.id }, transaction })) await adjustReactionCount(transaction, subject, -1);
      return null;
    }
    if (existing) {
      const [changed] = await Reaction.update({ kind }, { where: { id: existing.id }, transaction });
      if (changed) return existing.set({ kind });
    }
    const reaction = await Reaction.create({ ...where, kind }, { transaction });
    await adjustReactionCount(transaction, subject, 1);
    return reaction;
  });
}

/**
 * The viewer's reaction: the same kind again takes it back, another kind replaces it (one per person per
 * item, enforced by unique indexes too). Returns the reaction now held, or null when taken back.
 */
export async function toggleReaction(services: ReactionWriterServices, policy: ContentPolicy, subject: ReactionSubject, kind: ReactionKind): Promise<Reaction | null> {
  const user = policy.user!;
  if (!user.isActive || !subject.content.isLive || (subject.comment && !subject.comment.isLive)) throw forbidden("reactions:errors.closed");
  let reaction: Reaction | null;
  try {
    reaction = await toggleOnce(services, subject, user.id, kind);
  } catch (error) {
    // Two clicks at once: the other request's reaction won the unique index; toggle against it.
    if (!(error instanceof UniqueConstraintError)) throw error;
    reaction = await toggleOnce(services, subject, user.id, kind);
  }
  if (reaction) await services.registry.hooks.emit("reaction.added", { reaction, content: subject.content, comment: subject.comment, user });
  return reaction;
}
