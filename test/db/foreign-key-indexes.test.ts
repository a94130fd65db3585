import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../helpers/app.ts";

// Deleting a content or a comment makes the database find its children by foreign key. Without a full
// (non-partial) index led by that column, each deleted row scans the child table: at a million contents
// that held the write lock for minutes during the purge. Every ON DELETE CASCADE key into contents and
// comments must have one, on both databases.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const parents = ["contents", "comments"];

async function unindexedKeys(): Promise<string[]> {
  const sequelize = app.app.sequelize;
  const select = <T extends object>(sql: string, replacements: Record<string, unknown> = {}) => sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements });
  const missing: string[] = [];
  if (sequelize.getDialect() === "sqlite") {
    const tables = await select<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'");
    for (const { name } of tables) {
      const keys = await select<{ table: string; from: string; on_delete: string }>(`PRAGMA foreign_key_list(\`${name}\`)`);
      const indexes = await select<{ name: string; partial: number }>(`PRAGMA index_list(\`${name}\`)`);
      const leading = new Set<string>();
      // A lone INTEGER PRIMARY KEY is the table's rowid: the table itself is its index (index_list does not show it).
      const primary = (await select<{ name: string; type: string; pk: number }>(`PRAGMA table_info(\`${name}\`)`)).filter((column) => column.pk > 0);
      if (primary.length === 1 && primary[0].type.toUpperCase() === "INTEGER") leading.add(primary[0].name);
      for (const index of indexes.filter((index) => !index.partial)) {
        const [first] = await select<{ name: string }>(`PRAGMA index_info(\`${index.name}\`)`);
        if (first) leading.add(first.name);
      }
      for (const key of keys) if (parents.includes(key.table) && key.on_delete === "CASCADE" && !leading.has(key.from)) missing.push(`${name}.${key.from}`);
    }
  } else {
    const keys = await select<{ child: string; column: string; covered: boolean }>(
      `SELECT c.conrelid::regclass::text AS child, a.attname AS column,
              EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indpred IS NULL AND i.indkey[0] = c.conkey[1]) AS covered
       FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       WHERE c.contype = 'f' AND c.confdeltype = 'c' AND c.confrelid::regclass::text IN (:parents)`,
      { parents },
    );
    for (const key of keys) if (!key.covered) missing.push(`${key.child.replace(/"/g, "")}.${key.column}`);
  }
  return missing.sort();
}

test("every cascading key into contents and comments is led by a full index", async (t) => {
  t.deepEqual(await unindexedKeys(), []);
});
