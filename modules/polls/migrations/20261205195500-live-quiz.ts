import { DataTypes, type QueryInterface } from "sequelize";

// A quiz run live: one session per quiz (its presenter moves it through lobby → question → reveal → finished,
// each move a conditional UPDATE on `step`, so several processes and a restart agree), one answer per person and
// question by unique index, the chosen options for the distribution, and the final ranking posted once
// (`ranking_posted_at` set only where still empty, in the transaction that writes the stream entry).
export async function up(qi: QueryInterface) {
  await qi.createTable("quiz_live_sessions", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    poll_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "polls", key: "id" }, onDelete: "CASCADE" },
    presenter_id: { type: DataTypes.INTEGER, allowNull: false },
    phase: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "lobby" },
    step: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: -1 },
    question_id: { type: DataTypes.INTEGER, allowNull: true },
    opened_at: { type: DataTypes.DATE, allowNull: true },
    bonus_seconds: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 20 },
    started_at: { type: DataTypes.DATE, allowNull: false },
    finished_at: { type: DataTypes.DATE, allowNull: true },
    ranking_posted_at: { type: DataTypes.DATE, allowNull: true },
    ranking: { type: DataTypes.TEXT, allowNull: true },
  });
  // One live run per quiz.
  await qi.addIndex("quiz_live_sessions", ["poll_id"], { unique: true });
  await qi.createTable("quiz_live_answers", {
    id: { type: DataTypes.STRING(32), primaryKey: true, allowNull: false },
    session_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "quiz_live_sessions", key: "id" }, onDelete: "CASCADE" },
    question_id: { type: DataTypes.INTEGER, allowNull: false },
    user_id: { type: DataTypes.INTEGER, allowNull: false },
    score: { type: DataTypes.INTEGER, allowNull: false },
    bonus: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    answered_at: { type: DataTypes.DATE, allowNull: false },
  });
  // One answer per person and question: two sends at once cannot both get in.
  await qi.addIndex("quiz_live_answers", ["session_id", "question_id", "user_id"], { unique: true });
  await qi.createTable("quiz_live_choices", {
    answer_id: { type: DataTypes.STRING(32), primaryKey: true, allowNull: false, references: { model: "quiz_live_answers", key: "id" }, onDelete: "CASCADE" },
    option_id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    session_id: { type: DataTypes.INTEGER, allowNull: false },
    question_id: { type: DataTypes.INTEGER, allowNull: false },
  });
  await qi.addIndex("quiz_live_choices", ["session_id", "question_id"]);
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("quiz_live_choices");
  await qi.dropTable("quiz_live_answers");
  await qi.dropTable("quiz_live_sessions");
}
