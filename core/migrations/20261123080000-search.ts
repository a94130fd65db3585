import { DataTypes, Op } from "sequelize";
import type { MigrationContext } from "../db/migrate.ts";

/**
 * The search index: one row per searchable thing (person, post, comment, file, a module's content or
 * container) in search_documents, filled by triggers that core installs at start from the searchable
 * sources (core/search/install.ts). Here: the table, and what each database searches it with.
 * SQLite: FTS5 external-content tables kept in step by triggers on search_documents.
 * PostgreSQL: tsvector columns computed by a trigger (unaccent, simple + English + French), GIN indexes.
 */
export async function up(qi: MigrationContext) {
  await qi.createTable("search_documents", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    // "person", "post", "comment", "file", a module's content type or container type.
    kind: { type: DataTypes.STRING(32), allowNull: false },
    // The row it was built from: user, content, comment, attachment or container id.
    ref_id: { type: DataTypes.INTEGER, allowNull: false },
    content_id: { type: DataTypes.INTEGER, allowNull: true },
    comment_id: { type: DataTypes.INTEGER, allowNull: true },
    // contents.type for content, comments and files: a switched-off module's content is left out.
    content_type: { type: DataTypes.STRING(32), allowNull: true },
    // Who may see it: readers of this container (a person is the "user" container of their profile).
    container_type: { type: DataTypes.STRING(32), allowNull: false },
    container_id: { type: DataTypes.INTEGER, allowNull: false },
    // 1: every non-guest member may see it (people, open and private groups), not only the container's readers.
    is_listed: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    // What autocomplete matches by prefix (people and containers only).
    name: { type: DataTypes.STRING(300), allowNull: true },
    title: { type: DataTypes.TEXT, allowNull: true },
    body: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
    sort_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("search_documents", ["kind", "ref_id"], { name: "search_documents_ref", unique: true });
  await qi.addIndex("search_documents", ["content_id"], { name: "search_documents_content", where: { content_id: { [Op.ne]: null } } });
  await qi.addIndex("search_documents", ["comment_id"], { name: "search_documents_comment", where: { comment_id: { [Op.ne]: null } } });

  // What was installed per kind: a definition that changed gets new triggers and is re-indexed at start.
  await qi.createTable("search_sources", {
    kind: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    definition_hash: { type: DataTypes.STRING(64), allowNull: false },
    triggers: { type: DataTypes.TEXT, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });

  if (qi.sequelize.getDialect() === "postgres") await postgresUp(qi);
  else await sqliteUp(qi);
}

// A re-index inserts the marker row "*bulk" in its transaction: the per-row FTS triggers stand aside and the FTS tables are rebuilt once.
const notBulk = "NOT EXISTS (SELECT 1 FROM search_sources WHERE kind = '*bulk')";

async function sqliteUp(qi: MigrationContext) {
  const run = (sql: string) => qi.sequelize.query(sql);
  // porter: English stemming (the only stemmer FTS5 ships); unicode61 remove_diacritics 2: "elodie" finds "Élodie".
  // columnsize=0: no per-row sizes, which only bm25() needs (results are ranked without it, see core/search/search.ts).
  await run(`CREATE VIRTUAL TABLE search_fts USING fts5(title, body, kind, content='search_documents', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', columnsize=0)`);
  // Titles only: "title matches first" walks only documents that have a title, not every match of a word.
  // Its content is a view of the titled documents, so the index and its content agree row for row.
  await run("CREATE VIEW search_titled AS SELECT id, title, kind FROM search_documents WHERE title IS NOT NULL");
  await run(`CREATE VIRTUAL TABLE search_titles USING fts5(title, kind, content='search_titled', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', columnsize=0)`);
  // Names only (people, groups), unstemmed, with prefix indexes: autocomplete.
  await run(`CREATE VIRTUAL TABLE search_names USING fts5(name, content='search_documents', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3', columnsize=0)`);
  const insertNew = `INSERT INTO search_fts(rowid, title, body, kind) VALUES (NEW.id, NEW.title, NEW.body, NEW.kind);
    INSERT INTO search_titles(rowid, title, kind) SELECT NEW.id, NEW.title, NEW.kind WHERE NEW.title IS NOT NULL;
    INSERT INTO search_names(rowid, name) SELECT NEW.id, NEW.name WHERE NEW.name IS NOT NULL;`;
  const deleteOld = `INSERT INTO search_fts(search_fts, rowid, title, body, kind) VALUES ('delete', OLD.id, OLD.title, OLD.body, OLD.kind);
    INSERT INTO search_titles(search_titles, rowid, title, kind) SELECT 'delete', OLD.id, OLD.title, OLD.kind WHERE OLD.title IS NOT NULL;
    INSERT INTO search_names(search_names, rowid, name) SELECT 'delete', OLD.id, OLD.name WHERE OLD.name IS NOT NULL;`;
  await run(`CREATE TRIGGER search_documents_insert AFTER INSERT ON search_documents WHEN ${notBulk} BEGIN ${insertNew} END`);
  await run(`CREATE TRIGGER search_documents_delete AFTER DELETE ON search_documents WHEN ${notBulk} BEGIN ${deleteOld} END`);
  await run(`CREATE TRIGGER search_documents_update AFTER UPDATE ON search_documents WHEN ${notBulk} BEGIN ${deleteOld} ${insertNew} END`);
}

async function postgresUp(qi: MigrationContext) {
  const run = (sql: string) => qi.sequelize.query(sql);
  // A trusted extension since PostgreSQL 13: the database owner may create it.
  await run("CREATE EXTENSION IF NOT EXISTS unaccent");
  // Each configuration folds accents before its dictionary, so a headline quotes the accented original.
  for (const [name, base, dictionary] of [["agora_simple", "simple", "simple"], ["agora_english", "english", "english_stem"], ["agora_french", "french", "french_stem"]]) {
    await run(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '${name}') THEN
        CREATE TEXT SEARCH CONFIGURATION ${name} (COPY = ${base});
        ALTER TEXT SEARCH CONFIGURATION ${name} ALTER MAPPING FOR hword, hword_part, word WITH unaccent, ${dictionary};
      END IF;
    END $$`);
  }
  await run("ALTER TABLE search_documents ADD COLUMN tsv tsvector, ADD COLUMN title_tsv tsvector, ADD COLUMN name_tsv tsvector");
  // Exact words (simple) plus English and French stems, title weighted A; "~<kind>" lets the GIN index filter tabs.
  // Titles also get their own vector and index: "title matches first" needs the planner's real statistics for titles.
  await run(`CREATE FUNCTION search_documents_vectors() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      heading tsvector := to_tsvector('agora_simple', coalesce(NEW.title, '')) || to_tsvector('agora_english', coalesce(NEW.title, ''))
        || to_tsvector('agora_french', coalesce(NEW.title, ''));
      kind tsvector := array_to_tsvector(ARRAY['~' || NEW.kind]);
    BEGIN
      NEW.tsv := setweight(heading, 'A') || to_tsvector('agora_simple', NEW.body) || to_tsvector('agora_english', NEW.body)
        || to_tsvector('agora_french', NEW.body) || kind;
      NEW.title_tsv := CASE WHEN NEW.title IS NULL THEN NULL ELSE heading || kind END;
      NEW.name_tsv := CASE WHEN NEW.name IS NULL THEN NULL ELSE to_tsvector('agora_simple', NEW.name) END;
      RETURN NEW;
    END $$`);
  await run(`CREATE TRIGGER search_documents_vectors BEFORE INSERT OR UPDATE OF kind, name, title, body ON search_documents
    FOR EACH ROW EXECUTE FUNCTION search_documents_vectors()`);
  await run("CREATE INDEX search_documents_tsv ON search_documents USING gin (tsv)");
  await run("CREATE INDEX search_documents_titles ON search_documents USING gin (title_tsv) WHERE title_tsv IS NOT NULL");
  await run("CREATE INDEX search_documents_names ON search_documents USING gin (name_tsv) WHERE name_tsv IS NOT NULL");
}

export async function down(qi: MigrationContext) {
  const run = (sql: string) => qi.sequelize.query(sql);
  if (qi.sequelize.getDialect() === "postgres") {
    // Source triggers installed at start call functions named search_refresh_*: drop them with their triggers.
    await run(`DO $$ DECLARE f record; BEGIN
      FOR f IN SELECT oid::regprocedure AS signature FROM pg_proc WHERE proname LIKE 'search\\_refresh\\_%' LOOP
        EXECUTE 'DROP FUNCTION ' || f.signature || ' CASCADE';
      END LOOP;
    END $$`);
    await qi.dropTable("search_documents");
    await run("DROP FUNCTION IF EXISTS search_documents_vectors()");
    for (const name of ["agora_simple", "agora_english", "agora_french"]) await run(`DROP TEXT SEARCH CONFIGURATION IF EXISTS ${name}`);
  } else {
    const triggers = (await qi.sequelize.query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search\\_%' ESCAPE '\\'"))[0] as { name: string }[];
    for (const { name } of triggers) await run(`DROP TRIGGER IF EXISTS "${name}"`);
    await run("DROP TABLE IF EXISTS search_names");
    await run("DROP TABLE IF EXISTS search_titles");
    await run("DROP VIEW IF EXISTS search_titled");
    await run("DROP TABLE IF EXISTS search_fts");
    await qi.dropTable("search_documents");
  }
  await qi.dropTable("search_sources");
}
