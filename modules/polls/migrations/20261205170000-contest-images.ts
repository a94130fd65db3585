import { DataTypes, type QueryInterface } from "sequelize";
import { dropColumn } from "../../../core/sdk/index.ts";

// A contest entry may carry one image: a module file tied to the contest's content (served only to its readers).
export async function up(qi: QueryInterface) {
  await qi.addColumn("poll_options", "image_file_id", { type: DataTypes.INTEGER, allowNull: true });
}

export async function down(qi: QueryInterface) {
  await dropColumn(qi, "poll_options", "image_file_id");
}
