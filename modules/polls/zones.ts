// Dates as people type and read them: a datetime-local field means the writer's wall-clock time in their own
// time zone (host.timeZoneOf), and a date shown says the reader's wall-clock time with the zone named.

/** A datetime-local value: a wall-clock time without zone. */
export const wallClock = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== "string" || zone === "" || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone's wall clock at an instant, as if it were UTC (ms): its difference from the instant is the zone's offset. */
function wallAt(instant: number, zone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
}

/**
 * The instant a wall-clock time ("2027-01-15T10:00") means in a zone: 09:00 UTC for Paris in winter. Twice
 * corrected, so the offset is the one in force at that time (summer or winter); a time skipped by a change to
 * summer time reads as the hour after it.
 */
export function zonedToUtc(local: string, zone: string): Date | null {
  const match = wallClock.exec(local);
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const wall = Date.UTC(year, month - 1, day, hour, minute, second || 0);
  if (Number.isNaN(wall)) return null;
  let instant = wall - (wallAt(wall, zone) - wall);
  instant = wall - (wallAt(instant, zone) - instant);
  return new Date(instant);
}

/** A datetime-local input's value for an instant, in a zone ("2027-01-15T10:00"). */
export function wallClockValue(date: Date, zone: string): string {
  return new Date(wallAt(Math.floor(date.getTime() / 60_000) * 60_000, zone)).toISOString().slice(0, 16);
}

const locales: Record<string, string> = { en: "en-GB", fr: "fr-FR" };

/** "15 Jan 2027, 10:00 (Europe/Paris)": the date in the reader's zone, the zone named. */
export function formatInZone(date: Date | null | undefined, lang: string, zone: string): string {
  if (!date) return "";
  const text = new Intl.DateTimeFormat(locales[lang] ?? lang, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: zone }).format(date);
  return `${text} (${zone})`;
}

/**
 * A form body with its datetime-local fields (`names`) turned into instants (ISO, UTC) read in the zone its
 * `timeZone` field names (the composer and the settings page print the writer's zone there). A body without
 * `timeZone` is left as it is (such values read as UTC); an unknown zone makes the fields unreadable (422).
 */
export function readInZone(body: unknown, names: string[]): unknown {
  if (!body || typeof body !== "object") return body;
  const zone = (body as Record<string, unknown>).timeZone;
  if (zone === undefined || zone === "") return body;
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const name of names) {
    const value = copy[name];
    if (typeof value !== "string" || !wallClock.test(value.trim())) continue;
    copy[name] = isTimeZone(zone) ? (zonedToUtc(value.trim(), zone)?.toISOString() ?? "unreadable") : "unreadable";
  }
  return copy;
}
