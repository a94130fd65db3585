import sqlite3 from "sqlite3";
import pg from "pg";

export type Dialect = "sqlite" | "postgres";
export type Value = string | number | boolean | null;

/** Rows buffered for one table, written with one prepared multi-row INSERT per full batch. */
export class TableBuffer {
  rows: Value[][] = [];
  written = 0;

  constructor(
    readonly name: string,
    readonly columns: string[],
    readonly batchSize: number,
  ) {}

  add(row: Value[]) {
    if (row.length !== this.columns.length) throw new Error(`${this.name}: ${row.length} values for ${this.columns.length} columns`);
    this.rows.push(row);
  }

  get isFull() {
    return this.rows.length >= this.batchSize;
  }
}

export interface Driver {
  dialect: Dialect;
  run(sql: string, values?: Value[], cacheKey?: string): Promise<void>;
  all<T>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

function sqliteDriver(file: string): Promise<Driver> {
  return new Promise((resolve, reject) => {
    const database = new sqlite3.Database(file, (error) => {
      if (error) return reject(error);
      const statements = new Map<string, sqlite3.Statement>();
      const prepared = (sql: string, cacheKey?: string) => {
        if (!cacheKey) return database.prepare(sql);
        let statement = statements.get(cacheKey);
        if (!statement) statements.set(cacheKey, (statement = database.prepare(sql)));
        return statement;
      };
      resolve({
        dialect: "sqlite",
        run: (sql, values = [], cacheKey) =>
          new Promise((done, fail) => {
            const statement = prepared(sql, cacheKey);
            statement.run(values, (runError) => {
              if (!cacheKey) statement.finalize();
              if (runError) fail(runError);
              else done();
            });
          }),
        all: <T>(sql: string) => new Promise<T[]>((done, fail) => database.all(sql, (allError, rows) => (allError ? fail(allError) : done(rows as T[])))),
        close: async () => {
          for (const statement of statements.values()) await new Promise((done) => statement.finalize(done));
          await new Promise<void>((done, fail) => database.close((closeError) => (closeError ? fail(closeError) : done())));
        },
      });
    });
  });
}

async function postgresDriver(url: string): Promise<Driver> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    dialect: "postgres",
    run: async (sql, values = [], cacheKey) => {
      await client.query(cacheKey ? { name: cacheKey, text: sql, values } : { text: sql, values });
    },
    all: async <T>(sql: string) => (await client.query(sql)).rows as T[],
    close: () => client.end(),
  };
}

/** A connection of the bench tools' own (not the app's), SQLite or PostgreSQL from the URL. */
export function openDriver(databaseUrl: string): Promise<Driver> {
  return databaseUrl.startsWith("postgres") ? postgresDriver(databaseUrl) : sqliteDriver(databaseUrl.slice("sqlite:".length).replace(/^\/\//, ""));
}

/** Runs one read query on its own short-lived connection. */
export async function queryDatabase<T>(databaseUrl: string, sql: string): Promise<T[]> {
  const driver = await openDriver(databaseUrl);
  try {
    return await driver.all<T>(sql);
  } finally {
    await driver.close();
  }
}

/**
 * Bulk loader for a freshly migrated database: its own connection (not the app's), explicit ids,
 * multi-row prepared INSERTs, a commit every `commitEvery` rows. Tables are flushed in the order
 * they were declared, so parents are always written before the rows that reference them.
 */
export class BulkWriter {
  private tables: TableBuffer[] = [];
  private sinceCommit = 0;

  private constructor(
    private driver: Driver,
    private commitEvery: number,
  ) {}

  static async open(databaseUrl: string, commitEvery = 250_000) {
    const driver = await openDriver(databaseUrl);
    const writer = new BulkWriter(driver, commitEvery);
    if (driver.dialect === "sqlite") {
      // A generator's own connection: a crash means generating again, so no fsync on every commit.
      for (const pragma of ["journal_mode = WAL", "synchronous = OFF", "foreign_keys = ON", "cache_size = -262144", "temp_store = MEMORY"]) await driver.run(`PRAGMA ${pragma}`);
    } else {
      await driver.run("SET synchronous_commit = off");
    }
    await driver.run("BEGIN");
    return writer;
  }

  get dialect() {
    return this.driver.dialect;
  }

  /** A date the way Sequelize stores it, so the app's string (SQLite) or timestamptz (PostgreSQL) comparisons hold. */
  date(value: Date | number): string {
    const iso = new Date(value).toISOString();
    return this.driver.dialect === "sqlite" ? iso.replace("T", " ").replace("Z", " +00:00") : iso;
  }

  table(name: string, columns: string[]) {
    const maxParameters = this.driver.dialect === "sqlite" ? 32_000 : 60_000;
    const buffer = new TableBuffer(name, columns, Math.max(1, Math.min(1000, Math.floor(maxParameters / columns.length))));
    this.tables.push(buffer);
    return buffer;
  }

  /** Writes every buffer once one of them holds a full batch. */
  async drain() {
    if (this.tables.some((table) => table.isFull)) await this.flush();
  }

  async flush() {
    for (const table of this.tables) {
      for (let start = 0; start < table.rows.length; start += table.batchSize) await this.insert(table, table.rows.slice(start, start + table.batchSize));
      table.rows = [];
    }
    if (this.sinceCommit >= this.commitEvery) await this.commit();
  }

  private async insert(table: TableBuffer, rows: Value[][]) {
    if (rows.length === 0) return;
    const width = table.columns.length;
    const placeholder = (row: number) =>
      `(${table.columns.map((_, column) => (this.driver.dialect === "sqlite" ? "?" : `$${row * width + column + 1}`)).join(", ")})`;
    const sql = `INSERT INTO ${table.name} (${table.columns.join(", ")}) VALUES ${rows.map((_, row) => placeholder(row)).join(", ")}`;
    // Only full batches are worth keeping prepared; the last, shorter one of a table is run once.
    await this.driver.run(sql, rows.flat(), rows.length === table.batchSize ? `${table.name}_${rows.length}` : undefined);
    table.written += rows.length;
    this.sinceCommit += rows.length;
  }

  async commit() {
    await this.driver.run("COMMIT");
    await this.driver.run("BEGIN");
    this.sinceCommit = 0;
  }

  query<T>(sql: string) {
    return this.driver.all<T>(sql);
  }

  /** Flushes, commits, moves sequences past the explicit ids (PostgreSQL) and refreshes planner statistics. */
  async finish(serialTables: string[]) {
    await this.flush();
    await this.driver.run("COMMIT");
    if (this.driver.dialect === "postgres") {
      for (const table of serialTables) {
        await this.driver.run(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT MAX(id) FROM ${table}), 1))`);
      }
      // What autovacuum would do within minutes on a real instance.
      await this.driver.run("VACUUM ANALYZE");
    } else {
      await this.driver.run("PRAGMA wal_checkpoint(TRUNCATE)");
    }
  }

  close() {
    return this.driver.close();
  }
}
