/**
 * A page of rows that SQL cannot restrict to what the viewer may handle (a container moderator sees only
 * their containers' reports, and containers come from modules): rows are fetched by keyset in batches
 * and filtered by the policy, a bounded number of rounds, never one query per container.
 */
export async function filteredPage<T, C>(
  fetch: (after: C | null, limit: number) => Promise<T[]>,
  keep: (rows: T[]) => Promise<T[]>,
  cursorOf: (row: T) => C,
  after: C | null,
  limit: number,
  maxRounds = 4,
): Promise<{ rows: T[]; next: C | null }> {
  const kept: T[] = [];
  let cursor = after;
  const batchSize = limit * 3 + 1;
  for (let round = 0; round < maxRounds; round += 1) {
    const batch = await fetch(cursor, batchSize);
    const allowed = new Set(await keep(batch));
    for (const row of batch) {
      if (!allowed.has(row)) continue;
      kept.push(row);
      if (kept.length > limit) return { rows: kept.slice(0, limit), next: cursorOf(kept[limit - 1]) };
    }
    if (batch.length < batchSize) return { rows: kept, next: null };
    cursor = cursorOf(batch.at(-1)!);
  }
  // Rounds ran out with more rows to scan: the next page continues after the last row looked at.
  return { rows: kept, next: cursor };
}
