import { QueryTypes, type Sequelize } from "sequelize";
import { reactionKinds, type ReactionKind } from "../../models/reaction.ts";

/** Shown with each kind; the name is translated, the emoji only decorates. */
export const reactionEmoji: Record<ReactionKind, string> = { like: "👍", celebrate: "🎉", support: "🤝", insightful: "💡", funny: "😄" };
export const reactionLabels: Record<ReactionKind, string> = {
  like: "reactions:kinds.like",
  celebrate: "reactions:kinds.celebrate",
  support: "reactions:kinds.support",
  insightful: "reactions:kinds.insightful",
  funny: "reactions:kinds.funny",
};

export interface ReactionKindCount {
  kind: ReactionKind;
  count: number;
  emoji: string;
  labelKey: string;
  /** The viewer's own reaction. */
  mine: boolean;
}

/** The reactions of one content or comment as the viewer sees them: counts by kind, their own highlighted. */
export interface ReactionSummary {
  kinds: ReactionKindCount[];
  total: number;
  mine: ReactionKind | null;
  /** POST here with kind=... to toggle; GET listUrl for who reacted. */
  action: string;
  listUrl: string;
  canReact: boolean;
}

/** What is reacted to: contents (their own reactions, not their comments') or comments. */
export type ReactionTarget = "content" | "comment";

export function emptySummary(action: string, listUrl: string, canReact: boolean): ReactionSummary {
  return summaryOf(new Map(), null, action, listUrl, canReact);
}

function summaryOf(counts: Map<ReactionKind, number>, mine: ReactionKind | null, action: string, listUrl: string, canReact: boolean): ReactionSummary {
  const kinds = reactionKinds.map((kind) => ({ kind, count: counts.get(kind) ?? 0, emoji: reactionEmoji[kind], labelKey: reactionLabels[kind], mine: kind === mine }));
  return { kinds, total: kinds.reduce((sum, kind) => sum + kind.count, 0), mine, action, listUrl, canReact };
}

type Counted = Map<number, { counts: Map<ReactionKind, number>; mine: ReactionKind | null }>;

/** One side of countReactions' query: a content's own reactions, or a comment's. */
function countingSelect(target: ReactionTarget, idsParameter: string): string {
  const column = target === "content" ? "content_id" : "comment_id";
  return `SELECT '${target}' AS side, ${column} AS target, kind, COUNT(*) AS count, MAX(CASE WHEN user_id = :viewerId THEN 1 ELSE 0 END) AS mine
     FROM reactions WHERE ${column} IN (:${idsParameter}) AND comment_id IS ${target === "content" ? "" : "NOT "}NULL
     GROUP BY ${column}, kind`;
}

/**
 * Counts by kind and the viewer's kind for many contents and comments in one query (a UNION ALL of
 * the two sides), read from the (target, kind, user_id) indexes.
 */
export async function countReactions(
  sequelize: Sequelize,
  ids: Record<ReactionTarget, number[]>,
  viewerId: number | null,
): Promise<Record<ReactionTarget, Counted>> {
  const result: Record<ReactionTarget, Counted> = { content: new Map(), comment: new Map() };
  const sides = (["content", "comment"] as const).filter((target) => ids[target].length > 0);
  if (sides.length === 0) return result;
  const rows = await sequelize.query<{ side: ReactionTarget; target: number; kind: ReactionKind; count: number | string; mine: number | string }>(
    sides.map((target) => countingSelect(target, `${target}Ids`)).join(" UNION ALL "),
    { replacements: { contentIds: ids.content, commentIds: ids.comment, viewerId: viewerId ?? 0 }, type: QueryTypes.SELECT },
  );
  for (const row of rows) {
    const counted = result[row.side];
    const item = counted.get(Number(row.target)) ?? { counts: new Map(), mine: null };
    item.counts.set(row.kind, Number(row.count));
    if (Number(row.mine) === 1) item.mine = row.kind;
    counted.set(Number(row.target), item);
  }
  return result;
}

/** What the viewer sees of each item's reactions, for contents and comments at once: one query. */
export async function summariesFor(
  sequelize: Sequelize,
  items: Record<ReactionTarget, { id: number; canReact: boolean }[]>,
  viewerId: number | null,
): Promise<Record<ReactionTarget, Map<number, ReactionSummary>>> {
  const counted = await countReactions(sequelize, { content: items.content.map((item) => item.id), comment: items.comment.map((item) => item.id) }, viewerId);
  const summaries = (target: ReactionTarget) => {
    const base = target === "content" ? "/c" : "/comments";
    return new Map(
      items[target].map((item) => {
        const found = counted[target].get(item.id);
        return [item.id, summaryOf(found?.counts ?? new Map(), found?.mine ?? null, `${base}/${item.id}/react`, `${base}/${item.id}/reactions`, item.canReact)];
      }),
    );
  };
  return { content: summaries("content"), comment: summaries("comment") };
}

/** One content's or comment's summary (after a reaction, on its "who reacted" page). */
export async function summaryOfOne(sequelize: Sequelize, target: ReactionTarget, item: { id: number; canReact: boolean }, viewerId: number | null): Promise<ReactionSummary> {
  const summaries = await summariesFor(sequelize, { content: [], comment: [], [target]: [item] }, viewerId);
  return summaries[target].get(item.id)!;
}
