import { DataTypes, type QueryInterface } from "sequelize";

export async function up(qi: QueryInterface) {
  // A year's "message of the year": a shortlist the admins draw from the jury's awards, the jurors' votes, the result.
  await qi.createTable("recognition_year_votes", {
    year: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "voting" },
    winner_content_id: { type: DataTypes.INTEGER, allowNull: true },
    result_content_id: { type: DataTypes.INTEGER, allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
    closed_at: { type: DataTypes.DATE, allowNull: true },
  });
  await qi.createTable("recognition_year_candidates", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    year: { type: DataTypes.INTEGER, allowNull: false, references: { model: "recognition_year_votes", key: "year" }, onDelete: "CASCADE" },
    content_id: { type: DataTypes.INTEGER, allowNull: false },
  });
  await qi.addIndex("recognition_year_candidates", ["year", "content_id"], { unique: true });
  await qi.createTable("recognition_year_ballots", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    year: { type: DataTypes.INTEGER, allowNull: false, references: { model: "recognition_year_votes", key: "year" }, onDelete: "CASCADE" },
    juror_id: { type: DataTypes.INTEGER, allowNull: false },
    content_id: { type: DataTypes.INTEGER, allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  // One vote per juror and year: two clicks at once cannot both count.
  await qi.addIndex("recognition_year_ballots", ["year", "juror_id"], { unique: true });
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("recognition_year_ballots");
  await qi.dropTable("recognition_year_candidates");
  await qi.dropTable("recognition_year_votes");
}
