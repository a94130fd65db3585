import type { Transaction } from "sequelize";

/** What a memo needs of a reader: the account and the version the database keeps of its subscriptions. */
export interface VersionedReader {
  id: number;
  /** users.subscriptions_version, as read with the account; undefined when the account was loaded without it. */
  subscriptionsVersion?: number;
}

interface Remembered<T> {
  version: number;
  generation: number;
  value: Promise<T>;
}

type WriteOptions = { transaction?: Transaction | null };

/**
 * One value per reader (who they follow, their memberships), kept in this process across requests for as
 * long as the database says nothing changed for that reader: `users.subscriptions_version`, moved by
 * triggers on every write that changes the value, whoever makes it (this process, another worker, a bulk
 * statement). An entry is used only when the reader's id, the version their User object was read with,
 * and this memo's in-process generation all match.
 *
 * The generation covers writes in this process: the User object of a request carries the version read at
 * the start of the request, so a write later in the same request (or one not yet committed) must forget
 * the memo by itself — the owning model's hooks call `forget` (see `hooks`).
 *
 * No age limit: changes made by other processes move the version, which the next request reads with the
 * account. At most `maxReaders` readers are kept; the least recently used go first (the Map's order).
 */
export class ReaderMemo<T> {
  private readonly entries = new Map<number, Remembered<T>>();
  private generation = 0;

  constructor(readonly maxReaders = 10_000) {}

  /** The reader's value, from memory when still valid, else from `load` (remembered for the next time). */
  get(reader: VersionedReader, load: () => Promise<T>): Promise<T> {
    const version = reader.subscriptionsVersion;
    // An account read without its version cannot tell a stale entry from a fresh one.
    if (typeof version !== "number") return load();
    const known = this.entries.get(reader.id);
    if (known && known.version === version && known.generation === this.generation) {
      // The Map's order is the order of eviction: the reader just served goes last.
      this.entries.delete(reader.id);
      this.entries.set(reader.id, known);
      return known.value;
    }
    const entry: Remembered<T> = { version, generation: this.generation, value: load() };
    this.entries.delete(reader.id);
    this.entries.set(reader.id, entry);
    entry.value.catch(() => {
      if (this.entries.get(reader.id) === entry) this.entries.delete(reader.id);
    });
    for (const id of this.entries.keys()) {
      if (this.entries.size <= this.maxReaders) break;
      this.entries.delete(id);
    }
    return entry.value;
  }

  /** Forgets every reader: now, and again at commit when the write is in a transaction (a read in between saw the old rows). */
  forget(options?: WriteOptions) {
    this.generation += 1;
    this.entries.clear();
    options?.transaction?.afterCommit(() => {
      this.generation += 1;
      this.entries.clear();
    });
  }

  get size() {
    return this.entries.size;
  }

  /** Model hooks that forget the memo after any write to the model's table. */
  hooks() {
    const forget = (options: WriteOptions) => this.forget(options);
    return {
      afterCreate: (_row: unknown, options: WriteOptions) => forget(options),
      afterUpdate: (_row: unknown, options: WriteOptions) => forget(options),
      afterDestroy: (_row: unknown, options: WriteOptions) => forget(options),
      afterUpsert: (_result: unknown, options: WriteOptions) => forget(options),
      afterBulkCreate: (_rows: unknown, options: WriteOptions) => forget(options),
      afterBulkUpdate: (options: WriteOptions) => forget(options),
      afterBulkDestroy: (options: WriteOptions) => forget(options),
    };
  }
}
