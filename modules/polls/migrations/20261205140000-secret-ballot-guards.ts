import type { QueryInterface } from "sequelize";

// The secret ballot held by the database itself, whatever code writes: an answer to an anonymous poll cannot
// name a person, and a poll cannot become or stop being anonymous once someone took part.
const sqlite = [
  `CREATE TRIGGER poll_answers_anonymous BEFORE INSERT ON poll_answers
   WHEN NEW.user_id IS NOT NULL AND (SELECT is_anonymous FROM polls WHERE id = NEW.poll_id)
   BEGIN SELECT RAISE(ABORT, 'polls: an anonymous answer names no person'); END`,
  `CREATE TRIGGER poll_answers_anonymous_update BEFORE UPDATE OF user_id ON poll_answers
   WHEN NEW.user_id IS NOT NULL AND (SELECT is_anonymous FROM polls WHERE id = NEW.poll_id)
   BEGIN SELECT RAISE(ABORT, 'polls: an anonymous answer names no person'); END`,
  `CREATE TRIGGER polls_anonymity_locked BEFORE UPDATE OF is_anonymous ON polls
   WHEN NEW.is_anonymous <> OLD.is_anonymous AND EXISTS (SELECT 1 FROM poll_participations WHERE poll_id = OLD.id)
   BEGIN SELECT RAISE(ABORT, 'polls: anonymity is locked once someone took part'); END`,
];
const postgres = [
  `CREATE OR REPLACE FUNCTION poll_answers_anonymous() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN
     IF NEW.user_id IS NOT NULL AND (SELECT is_anonymous FROM polls WHERE id = NEW.poll_id) THEN
       RAISE EXCEPTION 'polls: an anonymous answer names no person';
     END IF;
     RETURN NEW; END $fn$`,
  `CREATE TRIGGER poll_answers_anonymous BEFORE INSERT OR UPDATE OF user_id ON poll_answers FOR EACH ROW EXECUTE FUNCTION poll_answers_anonymous()`,
  `CREATE OR REPLACE FUNCTION polls_anonymity_locked() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN
     IF NEW.is_anonymous <> OLD.is_anonymous AND EXISTS (SELECT 1 FROM poll_participations WHERE poll_id = OLD.id) THEN
       RAISE EXCEPTION 'polls: anonymity is locked once someone took part';
     END IF;
     RETURN NEW; END $fn$`,
  `CREATE TRIGGER polls_anonymity_locked BEFORE UPDATE OF is_anonymous ON polls FOR EACH ROW EXECUTE FUNCTION polls_anonymity_locked()`,
];

export async function up(qi: QueryInterface) {
  for (const statement of qi.sequelize.getDialect() === "postgres" ? postgres : sqlite) await qi.sequelize.query(statement);
}

export async function down(qi: QueryInterface) {
  if (qi.sequelize.getDialect() === "postgres") {
    await qi.sequelize.query("DROP TRIGGER IF EXISTS poll_answers_anonymous ON poll_answers");
    await qi.sequelize.query("DROP TRIGGER IF EXISTS polls_anonymity_locked ON polls");
    await qi.sequelize.query("DROP FUNCTION IF EXISTS poll_answers_anonymous()");
    await qi.sequelize.query("DROP FUNCTION IF EXISTS polls_anonymity_locked()");
  } else {
    for (const name of ["poll_answers_anonymous", "poll_answers_anonymous_update", "polls_anonymity_locked"]) await qi.sequelize.query(`DROP TRIGGER IF EXISTS ${name}`);
  }
}
