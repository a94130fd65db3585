/** The module's clock: limits, caps and budget periods read it, so a test can fix the time (setClock). */
let source: () => Date = () => new Date();

export const now = () => source();

/** Fixes the time the module sees (tests); `null` gives it the real clock back. */
export function setClock(fixed: Date | null) {
  source = fixed ? () => new Date(fixed) : () => new Date();
}

/** Midnight UTC of the day, and the first instant of the month (UTC): where daily limits and monthly caps start. */
export const dayStart = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
export const monthStart = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
