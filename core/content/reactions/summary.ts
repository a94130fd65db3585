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

/** Counts by kind and the viewer's kind for many items in one query, read from the (target, kind, user_id) indexes. */
export async function countReactions(sequelize: Sequelize, target: ReactionTarget, ids: number[], viewerId: number | null): Promise<Map<number, { counts: Map<ReactionKind, number>; mine: ReactionKind | null }>> {
  const result = new Map<number, { counts: Map<ReactionKind, number>; mine: ReactionKind | null }>();
  if (ids.length === 0) return result;
  const column = target === "content" ? "content_id" : "comment_id";
  const rows = await sequelize.query<{ target: number; kind: ReactionKind; count: number | string; mine: number | string }>(
    `SELECT ${column} AS target, kind, COUNT(*) AS count, MAX(CASE WHEN user_id = :viewerId THEN 1 ELSE 0 END) AS mine
     FROM reactions WHERE ${column} IN (:ids) AND comment_id IS ${target === "content" ? "" : "NOT "}NULL
     GROUP BY ${column}, kind`,
    { replacements: { ids, viewerId: viewerId ?? 0 }, type: QueryTypes.SELECT },
  );
  for (const row of rows) {
    const item = result.get(Number(row.target)) ?? { counts: new Map(), mine: null };
    item.counts.set(row.kind, Number(row.count));
    if (Number(row.mine) === 1) item.mine = row.kind;
    result.set(Number(row.target), item);
  }
  return result;
}

/** The viewer's summaries for many items: one query. */
export async function summariesFor(
  sequelize: Sequelize,
  target: ReactionTarget,
  items: { id: number; canReact: boolean }[],
  viewerId: number | null,
): Promise<Map<number, ReactionSummary>> {
  const counted = await countReactions(sequelize, target, items.map((item) => item.id), viewerId);
  const base = target === "content" ? "/c" : "/comments";
  return new Map(
    items.map((item) => {
      const found = counted.get(item.id);
      return [item.id, summaryOf(found?.counts ?? new Map(), found?.mine ?? null, `${base}/${item.id}/react`, `${base}/${item.id}/reactions`, item.canReact)];
    }),
  );
}
