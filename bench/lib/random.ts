/** Seeded randomness for the generator: the same --seed gives the same instance. */
export type Random = () => number;

/** mulberry32: small, fast, good enough to spread benchmark data. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export function below(random: Random, n: number) {
  return Math.floor(random() * n);
}

export function pick<T>(random: Random, values: readonly T[]): T {
  return values[below(random, values.length)];
}

/** A count with a long tail: 0 more often than not, sometimes many (mean ≈ mean). */
export function geometric(random: Random, mean: number) {
  return Math.floor(Math.log(1 - random()) / Math.log(mean / (mean + 1)));
}

/** Exponentially distributed wait with this mean. */
export function exponential(random: Random, mean: number) {
  return -Math.log(1 - random()) * mean;
}

/** Fisher–Yates on a copy. */
export function shuffled<T>(random: Random, values: readonly T[]): T[] {
  const copy = [...values];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = below(random, index + 1);
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}

/** Ranks 0..n-1 drawn with probability ∝ 1/(rank+1)^exponent: a few very active, a long quiet tail. */
export class Zipf {
  private cumulative: Float64Array;

  constructor(
    readonly size: number,
    exponent: number,
    private random: Random,
  ) {
    this.cumulative = new Float64Array(size);
    let total = 0;
    for (let rank = 0; rank < size; rank += 1) {
      total += 1 / (rank + 1) ** exponent;
      this.cumulative[rank] = total;
    }
    for (let rank = 0; rank < size; rank += 1) this.cumulative[rank] /= total;
  }

  next(): number {
    const target = this.random();
    let low = 0;
    let high = this.size - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.cumulative[middle] < target) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
