import { QueryTypes, type QueryInterface } from "sequelize";
import { plainText } from "../../../core/sdk/index.ts";

/** The directory card's length when this ran (commands/group-writer.ts). */
const summaryLength = 180;

/**
 * Summaries used to be stored HTML-escaped ("R&amp;D"), and the directory escaped them again: they are
 * made again from each description as plain text, which the template escapes once.
 */
export async function up(qi: QueryInterface) {
  const rows = await qi.sequelize.query<{ id: number; description: string; summary: string }>("SELECT id, description, summary FROM groups", { type: QueryTypes.SELECT });
  for (const row of rows) {
    const summary = plainText(row.description, summaryLength);
    if (summary !== row.summary) await qi.sequelize.query("UPDATE groups SET summary = :summary WHERE id = :id", { replacements: { summary, id: row.id } });
  }
}

export async function down() {
  // Plain summaries are what every version reads correctly: nothing to undo.
}
