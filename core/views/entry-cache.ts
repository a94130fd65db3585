/** Tokens that escaping and URL-encoding leave as they are: only those can be found again in the HTML. */
const safeToken = /^[A-Za-z0-9_-]+$/;

/** What a page asks the cache about one entry: its key, and the session's token to put back in its forms. */
export interface EntryCacheSlot {
  key: string;
  token: string;
}

/**
 * The rendered HTML of stream entries, per reader, in this process's memory: a reload of the dashboard
 * renders (and loads) only the entries that changed. The key must name everything the HTML depends on
 * (see core/content/cached-entries.ts). Kept as UTF-8 bytes cut where the CSRF token goes, so that a
 * page puts them in its response as they are (core/views/page-bytes.ts) with the session's own token.
 * Least recently used entries go first once `maxBytes` is reached; none is kept longer than `maxAgeMs`,
 * a bound on anything that changes with time alone.
 */
export class EntryHtmlCache {
  private readonly entries = new Map<string, { pieces: Buffer[]; storedAt: number }>();
  private bytes = 0;

  constructor(
    readonly maxBytes: number,
    readonly maxAgeMs = 10 * 60_000,
  ) {}

  get enabled() {
    return this.maxBytes > 0;
  }

  /** The bytes stored for the slot, with the slot's token in them, or undefined. */
  get(slot: EntryCacheSlot, now = Date.now()): Buffer[] | undefined {
    const found = this.entries.get(slot.key);
    if (!found) return undefined;
    if (now - found.storedAt > this.maxAgeMs) {
      this.forget(slot.key);
      return undefined;
    }
    // The map's order is the order of eviction: the entry just shown goes last.
    this.entries.delete(slot.key);
    this.entries.set(slot.key, found);
    const token = Buffer.from(slot.token);
    return found.pieces.flatMap((piece, index) => (index === 0 ? [piece] : [token, piece]));
  }

  /** Stores an entry rendered for this slot; returns the HTML unchanged, for templates to print. */
  remember(slot: EntryCacheSlot | undefined, html: unknown): unknown {
    if (!slot || !this.enabled || !safeToken.test(slot.token)) return html;
    const pieces = String(html).split(slot.token).map((text) => Buffer.from(text));
    const size = sizeOf(slot.key, pieces);
    if (size > this.maxBytes) return html;
    this.forget(slot.key);
    this.entries.set(slot.key, { pieces, storedAt: Date.now() });
    this.bytes += size;
    for (const key of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.forget(key);
    }
    return html;
  }

  get size() {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private forget(key: string) {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.bytes -= sizeOf(key, old.pieces);
  }
}

/** The key as V8 may keep it (two bytes a character) and the stored bytes. */
function sizeOf(key: string, pieces: Buffer[]) {
  return 2 * key.length + pieces.reduce((total, piece) => total + piece.length, 0);
}
