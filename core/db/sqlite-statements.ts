/**
 * Prepared statements kept per SQLite connection, for the hot reads of core/db/sqlite-model-rows.ts.
 * node-sqlite3's Database#all prepares, runs and finalizes: three trips through the thread pool and a
 * fresh parse and plan of the SQL each time. A statement kept by its text runs in one trip; the values go
 * in as bound parameters, so a stream page's statement is the same text for every reader with as many
 * containers.
 */

export type Row = Record<string, unknown>;

interface SqliteStatement {
  all(params: unknown[], callback: (error: Error | null, rows: Row[]) => void): unknown;
  finalize(callback?: () => void): unknown;
}

export interface SqliteConnection {
  prepare(sql: string, callback: (error: Error | null) => void): SqliteStatement;
  close(callback?: (error: Error | null) => void): unknown;
}

/** Kept statements per connection; beyond this many the least recently used is finalized. */
const maxStatements = 200;

class StatementCache {
  private readonly statements = new Map<string, Promise<SqliteStatement>>();

  constructor(private readonly connection: SqliteConnection) {
    // SQLite refuses to close a connection with statements left: finalize them first.
    const close = connection.close.bind(connection);
    connection.close = (callback) => {
      void this.clear().then(() => close(callback));
      return connection;
    };
  }

  async all(sql: string, params: unknown[]): Promise<Row[]> {
    const statement = await this.statement(sql);
    try {
      return await new Promise<Row[]>((resolve, reject) => statement.all(params, (error, rows) => (error ? reject(error) : resolve(rows))));
    } catch (error) {
      // A statement that failed mid-way is not trusted again (and a schema change may have made it invalid).
      this.forget(sql);
      throw error;
    }
  }

  private statement(sql: string): Promise<SqliteStatement> {
    const known = this.statements.get(sql);
    if (known) {
      // The map's order is the order of eviction: the statement just used goes last.
      this.statements.delete(sql);
      this.statements.set(sql, known);
      return known;
    }
    const prepared = new Promise<SqliteStatement>((resolve, reject) => {
      const statement = this.connection.prepare(sql, (error) => (error ? reject(error) : resolve(statement)));
    });
    this.statements.set(sql, prepared);
    prepared.catch(() => this.statements.delete(sql));
    for (const oldest of this.statements.keys()) {
      if (this.statements.size <= maxStatements) break;
      this.forget(oldest);
    }
    return prepared;
  }

  private forget(sql: string) {
    const statement = this.statements.get(sql);
    this.statements.delete(sql);
    // node-sqlite3 finalizes after the runs already queued on the statement.
    statement?.then((kept) => kept.finalize()).catch(() => undefined);
  }

  private async clear() {
    const statements = [...this.statements.values()];
    this.statements.clear();
    await Promise.all(statements.map((prepared) => prepared.then((kept) => new Promise<void>((resolve) => kept.finalize(() => resolve()))).catch(() => undefined)));
  }
}

const caches = new WeakMap<SqliteConnection, StatementCache>();

/** Runs a SELECT with positional parameters on a kept statement of this connection. */
export function preparedAll(connection: SqliteConnection, sql: string, params: unknown[]): Promise<Row[]> {
  let cache = caches.get(connection);
  if (!cache) caches.set(connection, (cache = new StatementCache(connection)));
  return cache.all(sql, params);
}

/**
 * A SQL text cut at its `:name` replacements: `texts` has one more element than `names`. Quoted text,
 * quoted identifiers and comments (`-- ...` and `/* ... *\/`) are text, never replacements.
 */
interface Template {
  texts: string[];
  names: string[];
}

/** Templates by SQL text: the hot statements are a handful of texts, parsed once. Bounded, in case a caller builds texts freely. */
const templates = new Map<string, Template>();
const templatesKept = 500;

function templateOf(sql: string): Template {
  const known = templates.get(sql);
  if (known) return known;
  const template: Template = { texts: [], names: [] };
  let text = 0;
  let index = 0;
  while (index < sql.length) {
    const char = sql[index];
    const end = skipped(sql, index, char);
    if (end > index) {
      index = end;
      continue;
    }
    const name = char === ":" && sql[index - 1] !== ":" ? /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(index + 1, index + 65))?.[0] : undefined;
    if (name === undefined) {
      index += 1;
      continue;
    }
    template.texts.push(sql.slice(text, index));
    template.names.push(name);
    index += 1 + name.length;
    text = index;
  }
  template.texts.push(sql.slice(text));
  if (templates.size >= templatesKept) templates.clear();
  templates.set(sql, template);
  return template;
}

/** Index just past the quoted text or comment starting at `start`, or `start` when none starts there. */
function skipped(sql: string, start: number, char: string): number {
  if (char === "'" || char === '"' || char === "`") return closingQuote(sql, start, char);
  if (char === "-" && sql[start + 1] === "-") {
    const end = sql.indexOf("\n", start + 2);
    return end < 0 ? sql.length : end + 1;
  }
  if (char === "/" && sql[start + 1] === "*") {
    const end = sql.indexOf("*/", start + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return start;
}

/**
 * Turns `:name` replacements (as sequelize.query takes them) into `?` parameters: an array becomes one
 * `?` per element (an empty one NULL, which nothing equals), a Date the text Sequelize stores in SQLite
 * ("2026-11-24 05:41:52.769 +00:00", so text comparisons hold), a boolean 1 or 0. Quoted text,
 * identifiers and comments are left alone. Undefined names are an error, as in Sequelize.
 */
export function positional(sql: string, replacements: Record<string, unknown>): { sql: string; params: unknown[] } {
  const { texts, names } = templateOf(sql);
  const params: unknown[] = [];
  let out = texts[0];
  for (let index = 0; index < names.length; index += 1) {
    const name = names[index];
    if (!Object.hasOwn(replacements, name)) throw new Error(`Named replacement ":${name}" has no entry in the replacement map.`);
    const value = replacements[name];
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0) out += "NULL";
    else {
      out += values.map(() => "?").join(", ");
      for (const one of values) params.push(parameter(one));
    }
    out += texts[index + 1];
  }
  return { sql: out, params };
}

/** Index just past the quote that closes the one at `start` (a doubled quote is part of the text). */
function closingQuote(sql: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < sql.length) {
    if (sql[index] === quote) {
      if (sql[index + 1] === quote) index += 2;
      else return index + 1;
    } else index += 1;
  }
  return index;
}

function parameter(value: unknown): unknown {
  if (value === undefined) throw new Error("undefined is not a value for a SQL parameter");
  if (value instanceof Date) return sqliteDateText(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

/** A date as Sequelize writes it in SQLite (UTC). */
function sqliteDateText(date: Date): string {
  return `${date.toISOString().replace("T", " ").replace("Z", "")} +00:00`;
}
