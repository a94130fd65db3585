/** Local wall-clock arithmetic in a person's time zone, with Intl only: quiet hours and digest times. */

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday. */
  weekday: number;
}

const weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The server's zone, the default for people who never chose one. */
export const serverTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

export function isTimeZone(value: unknown): value is string {
  if (typeof value !== "string" || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function formatter(timeZone: string) {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", weekday: "short" });
    formatters.set(timeZone, format);
  }
  return format;
}

export function localTime(date: Date, timeZone: string): LocalTime {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(date).map((part) => [part.type, part.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    weekday: weekdays.indexOf(parts.weekday),
  };
}

/** The instant at which the wall clock in timeZone shows this date and hour (the later one across a DST gap). */
export function atLocalHour(timeZone: string, year: number, month: number, day: number, hour: number): Date {
  const wanted = Date.UTC(year, month - 1, day, hour);
  const shown = (instant: number) => {
    const seen = localTime(new Date(instant), timeZone);
    return Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute);
  };
  // The zone's offset at the wanted time, then at the guess: one of the two is right unless the hour is skipped.
  const guess = wanted - (shown(wanted) - wanted);
  if (shown(guess) === wanted) return new Date(guess);
  const other = wanted - (shown(guess) - guess);
  if (shown(other) === wanted) return new Date(other);
  // A gap (clocks jump from 2:00 to 3:00): this hour never shows; take the instant the clocks change, shown as the next hour.
  return new Date(Math.max(guess, other));
}

/** The local calendar day `days` after the given one (month and year roll over). */
function addDays(local: LocalTime, days: number) {
  const date = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

export interface QuietHours {
  start: number | null;
  end: number | null;
  timeZone: string;
}

/** Inside quiet hours [start, end), which may span midnight (22 → 7). */
export function isQuiet(date: Date, quiet: QuietHours): boolean {
  if (quiet.start === null || quiet.end === null || quiet.start === quiet.end) return false;
  const { hour } = localTime(date, quiet.timeZone);
  return quiet.start < quiet.end ? hour >= quiet.start && hour < quiet.end : hour >= quiet.start || hour < quiet.end;
}

/** When quiet hours end, if the date is inside them; else null. */
export function quietUntil(date: Date, quiet: QuietHours): Date | null {
  if (!isQuiet(date, quiet)) return null;
  const local = localTime(date, quiet.timeZone);
  const day = local.hour < quiet.end! ? addDays(local, 0) : addDays(local, 1);
  return atLocalHour(quiet.timeZone, day.year, day.month, day.day, quiet.end!);
}

/** Digests go out at this local hour unless the person chose another (daily; Mondays for weekly ones). */
export const digestHour = 8;

export function isHour(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 23;
}

/** The next digest time after `after`: the chosen local hour (8:00 by default), pushed past quiet hours. */
export function nextDigestAt(frequency: "daily" | "weekly", after: Date, quiet: QuietHours, hour: number | null = digestHour): Date {
  const at = isHour(hour) ? hour : digestHour;
  const local = localTime(after, quiet.timeZone);
  for (let offset = 0; offset <= 8; offset += 1) {
    const day = addDays(local, offset);
    const candidate = atLocalHour(quiet.timeZone, day.year, day.month, day.day, at);
    const weekday = new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay();
    if (candidate <= after || (frequency === "weekly" && weekday !== 1)) continue;
    return quietUntil(candidate, quiet) ?? candidate;
  }
  throw new Error("no digest time found");
}
