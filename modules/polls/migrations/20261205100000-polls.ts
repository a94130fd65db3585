import { DataTypes, type QueryInterface } from "sequelize";

export async function up(qi: QueryInterface) {
  const isSqlite = qi.sequelize.getDialect() === "sqlite";
  await qi.createTable("polls", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    container_type: { type: DataTypes.STRING(32), allowNull: false },
    container_id: { type: DataTypes.INTEGER, allowNull: false },
    author_id: { type: DataTypes.INTEGER, allowNull: false },
    kind: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "poll" },
    title: { type: DataTypes.STRING(300), allowNull: false },
    is_anonymous: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    allow_change: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    results_visibility: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "always" },
    members_add_options: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    open_to_readers: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    closes_at: { type: DataTypes.DATE, allowNull: true },
    closed_at: { type: DataTypes.DATE, allowNull: true },
  });
  await qi.addIndex("polls", ["container_type", "container_id"]);
  await qi.createTable("poll_questions", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    poll_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "polls", key: "id" }, onDelete: "CASCADE" },
    position: { type: DataTypes.INTEGER, allowNull: false },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    prompt: { type: DataTypes.STRING(500), allowNull: false },
    is_required: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    min_choices: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    max_choices: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    scale_min: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    scale_max: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 5 },
  });
  await qi.addIndex("poll_questions", ["poll_id", "position"], { unique: true });
  await qi.createTable("poll_options", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    poll_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "polls", key: "id" }, onDelete: "CASCADE" },
    question_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "poll_questions", key: "id" }, onDelete: "CASCADE" },
    position: { type: DataTypes.INTEGER, allowNull: false },
    label: { type: DataTypes.STRING(200), allowNull: false },
    added_by: { type: DataTypes.INTEGER, allowNull: true },
  });
  await qi.addIndex("poll_options", ["question_id", "label"], { unique: true });
  await qi.addIndex("poll_options", ["poll_id"]);
  // Who took part: the only table naming people in an anonymous poll, and the lock of one ballot per person.
  await qi.createTable("poll_participations", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    poll_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "polls", key: "id" }, onDelete: "CASCADE" },
    user_id: { type: DataTypes.INTEGER, allowNull: false },
  });
  await qi.addIndex("poll_participations", ["poll_id", "user_id"], { unique: true });
  await qi.addIndex("poll_participations", ["user_id"]);
  // Answers: a random key and no time, so neither an id nor a row's order or date pairs an anonymous answer
  // with its participation row. On SQLite the table has no rowid (rows are kept in key order, not arrival order).
  const answers = `CREATE TABLE poll_answers (
    id VARCHAR(32) NOT NULL PRIMARY KEY,
    poll_id INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES poll_questions (id) ON DELETE CASCADE,
    user_id INTEGER NULL,
    value INTEGER NULL,
    text TEXT NULL
  )${isSqlite ? " WITHOUT ROWID" : ""}`;
  await qi.sequelize.query(answers);
  // One answer per person and question (anonymous answers carry no person: poll_participations locks those).
  await qi.addIndex("poll_answers", ["question_id", "user_id"], { unique: true });
  await qi.addIndex("poll_answers", ["poll_id", "user_id"]);
  await qi.addIndex("poll_answers", ["question_id", "value"]);
  const choices = `CREATE TABLE poll_answer_choices (
    answer_id VARCHAR(32) NOT NULL REFERENCES poll_answers (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL,
    option_id INTEGER NOT NULL REFERENCES poll_options (id) ON DELETE CASCADE,
    rank INTEGER NULL,
    PRIMARY KEY (answer_id, option_id)
  )${isSqlite ? " WITHOUT ROWID" : ""}`;
  await qi.sequelize.query(choices);
  await qi.addIndex("poll_answer_choices", ["question_id", "option_id"]);
}

export async function down(qi: QueryInterface) {
  for (const table of ["poll_answer_choices", "poll_answers", "poll_participations", "poll_options", "poll_questions", "polls"]) await qi.dropTable(table);
}
