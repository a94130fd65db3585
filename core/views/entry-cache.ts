import nunjucks from "nunjucks";

/** Stands for the session's CSRF token in stored HTML: letters only, so escaping and URL-encoding leave it as is. */
const tokenPlaceholder = "AgoraCsrfTokenPlaceholderZq";
const safeToken = /^[A-Za-z0-9_-]+$/;

/** What a page asks the cache about one entry: its key, and the session's token to put back in its forms. */
export interface EntryCacheSlot {
  key: string;
  token: string;
}

/**
 * The rendered HTML of stream entries, per reader, in this process's memory: a reload of the dashboard
 * renders (and loads) only the entries that changed. The key must name everything the HTML depends on
 * (see core/content/cached-entries.ts); the CSRF token is swapped for a placeholder while stored.
 * Least recently used entries go first once `maxBytes` is reached; none is kept longer than `maxAgeMs`,
 * a bound on anything that changes with time alone.
 */
export class EntryHtmlCache {
  private readonly entries = new Map<string, { html: string; storedAt: number }>();
  private bytes = 0;

  constructor(
    readonly maxBytes: number,
    readonly maxAgeMs = 10 * 60_000,
  ) {}

  get enabled() {
    return this.maxBytes > 0;
  }

  /** The HTML stored for the slot, with the slot's token in it, or undefined. */
  get(slot: EntryCacheSlot, now = Date.now()): nunjucks.runtime.SafeString | undefined {
    const found = this.entries.get(slot.key);
    if (!found) return undefined;
    if (now - found.storedAt > this.maxAgeMs) {
      this.forget(slot.key);
      return undefined;
    }
    // The map's order is the order of eviction: the entry just shown goes last.
    this.entries.delete(slot.key);
    this.entries.set(slot.key, found);
    return new nunjucks.runtime.SafeString(found.html.replaceAll(tokenPlaceholder, slot.token));
  }

  /** Stores an entry rendered for this slot; returns the HTML unchanged, for templates to print. */
  remember(slot: EntryCacheSlot | undefined, html: unknown): unknown {
    if (!slot || !this.enabled || !safeToken.test(slot.token)) return html;
    const stored = String(html).replaceAll(slot.token, tokenPlaceholder);
    const size = sizeOf(slot.key, stored);
    if (size > this.maxBytes) return html;
    this.forget(slot.key);
    this.entries.set(slot.key, { html: stored, storedAt: Date.now() });
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
    this.bytes -= sizeOf(key, old.html);
  }
}

/** Two bytes a character: what V8 may need for the string. */
function sizeOf(key: string, html: string) {
  return 2 * (key.length + html.length);
}
