import { DataTypes, type QueryInterface } from "sequelize";

export async function up(qi: QueryInterface) {
  const dialect = qi.sequelize.getDialect();
  await qi.createTable("recognition_jurors", {
    user_id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    budget: { type: DataTypes.INTEGER, allowNull: false },
    period: { type: DataTypes.STRING(8), allowNull: false, defaultValue: "month" },
    is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  // One row per juror and period, made on the first award of the period with the juror's budget then: a new
  // period starts full (nothing carries over). The CHECK makes overspending impossible whatever the code does.
  await qi.sequelize.query(
    `CREATE TABLE recognition_budgets (
       juror_id INTEGER NOT NULL,
       period_key VARCHAR(8) NOT NULL,
       budget INTEGER NOT NULL,
       spent INTEGER NOT NULL DEFAULT 0,
       PRIMARY KEY (juror_id, period_key),
       CONSTRAINT recognition_budgets_within CHECK (spent >= 0 AND spent <= budget)
     )`,
  );
  await qi.createTable("recognition_awards", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    juror_id: { type: DataTypes.INTEGER, allowNull: false },
    content_id: { type: DataTypes.INTEGER, allowNull: false },
    comment_id: { type: DataTypes.INTEGER, allowNull: true },
    author_id: { type: DataTypes.INTEGER, allowNull: false },
    points: { type: DataTypes.INTEGER, allowNull: false },
    reason: { type: DataTypes.STRING(500), allowNull: false },
    period_key: { type: DataTypes.STRING(8), allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("recognition_awards", ["juror_id", "period_key"]);
  await qi.addIndex("recognition_awards", ["content_id"]);
  await qi.addIndex("recognition_awards", ["created_at", "id"]);
  // The ledger is append-only: the database refuses to change or delete an award.
  if (dialect === "postgres") {
    await qi.sequelize.query(`CREATE FUNCTION recognition_awards_append_only() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'recognition_awards is append-only'; END; $$ LANGUAGE plpgsql`);
    await qi.sequelize.query(`CREATE TRIGGER recognition_awards_append_only BEFORE UPDATE OR DELETE ON recognition_awards FOR EACH ROW EXECUTE FUNCTION recognition_awards_append_only()`);
  } else {
    for (const event of ["UPDATE", "DELETE"]) {
      await qi.sequelize.query(`CREATE TRIGGER recognition_awards_no_${event.toLowerCase()} BEFORE ${event} ON recognition_awards BEGIN SELECT RAISE(ABORT, 'recognition_awards is append-only'); END`);
    }
  }
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("recognition_awards");
  if (qi.sequelize.getDialect() === "postgres") await qi.sequelize.query("DROP FUNCTION IF EXISTS recognition_awards_append_only()");
  await qi.dropTable("recognition_budgets");
  await qi.dropTable("recognition_jurors");
}
