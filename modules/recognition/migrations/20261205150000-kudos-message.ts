import { DataTypes, type QueryInterface } from "sequelize";
import { dropColumn } from "../../../core/sdk/index.ts";

// The message as people wrote it (Markdown): what search indexes (message_html is for display).
export async function up(qi: QueryInterface) {
  await qi.addColumn("recognition_kudos", "message", { type: DataTypes.TEXT, allowNull: false, defaultValue: "" });
}

export async function down(qi: QueryInterface) {
  await dropColumn(qi, "recognition_kudos", "message");
}
