import { DataTypes, type QueryInterface } from "sequelize";
import { dropColumn } from "../../../core/sdk/index.ts";

// A contest's optional jury: the jurors its author names, one score (0–10) per juror and entry by unique index,
// and the weight of the jury's average in the final ranking (percent; the public vote weighs the rest).
export async function up(qi: QueryInterface) {
  await qi.addColumn("polls", "jury_weight", { type: DataTypes.INTEGER, allowNull: false, defaultValue: 50 });
  await qi.createTable("poll_jurors", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    poll_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "polls", key: "id" }, onDelete: "CASCADE" },
    user_id: { type: DataTypes.INTEGER, allowNull: false },
  });
  await qi.addIndex("poll_jurors", ["poll_id", "user_id"], { unique: true });
  await qi.createTable("poll_jury_scores", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    poll_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "polls", key: "id" }, onDelete: "CASCADE" },
    option_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "poll_options", key: "id" }, onDelete: "CASCADE" },
    juror_id: { type: DataTypes.INTEGER, allowNull: false },
    score: { type: DataTypes.INTEGER, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  // One score per juror and entry: scoring again changes it.
  await qi.addIndex("poll_jury_scores", ["option_id", "juror_id"], { unique: true });
  await qi.addIndex("poll_jury_scores", ["poll_id"]);
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("poll_jury_scores");
  await qi.dropTable("poll_jurors");
  await dropColumn(qi, "polls", "jury_weight");
}
