import { QueryTypes, type Sequelize } from "sequelize";
import type { Poll } from "./models.ts";
import type { QuestionView } from "./tallies/index.ts";

/** A CSV cell: quoted, and a leading =, +, - or @ defused so a spreadsheet never runs it as a formula. */
const cell = (value: string) => {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
};
const line = (cells: string[]) => cells.map(cell).join(",");

/**
 * The answers as CSV. A named poll: one line per person and question, with the person's name. An anonymous
 * poll: one line per answer with no person, sorted by question and answer (not by arrival).
 */
export async function answersCsv(sequelize: Sequelize, poll: Poll, questions: QuestionView[], headers: { person: string; question: string; answer: string }): Promise<string> {
  const rows = await sequelize.query<{ answer_id: string; question_id: number; user_name: string | null; value: number | null; text: string | null; option_id: number | null; rank: number | null }>(
    `SELECT a.id AS answer_id, a.question_id, ${poll.isAnonymous ? "NULL" : "u.display_name"} AS user_name, a.value, a.text, c.option_id, c.rank
     FROM poll_answers a
     ${poll.isAnonymous ? "" : "JOIN users u ON u.id = a.user_id"}
     LEFT JOIN poll_answer_choices c ON c.answer_id = a.id
     WHERE a.poll_id = :pollId ORDER BY a.id, c.rank, c.option_id`,
    { replacements: { pollId: poll.id }, type: QueryTypes.SELECT },
  );
  const questionOf = new Map(questions.map((question) => [question.id, question]));
  const labelOf = new Map(questions.flatMap((question) => question.options.map((option) => [option.id, option.label] as const)));
  const answers = new Map<string, { question: QuestionView; person: string; parts: string[] }>();
  for (const row of rows) {
    const question = questionOf.get(Number(row.question_id));
    if (!question) continue;
    const answer = answers.get(row.answer_id) ?? { question, person: row.user_name ?? "", parts: [] };
    if (row.value !== null) answer.parts.push(String(row.value));
    if (row.text !== null) answer.parts.push(row.text);
    if (row.option_id !== null) answer.parts.push(row.rank === null ? labelOf.get(Number(row.option_id)) ?? "" : `${row.rank}. ${labelOf.get(Number(row.option_id)) ?? ""}`);
    answers.set(row.answer_id, answer);
  }
  const lines = [...answers.values()].map((answer) => ({ position: answer.question.position, person: answer.person, cells: [answer.question.prompt, [...new Set(answer.parts)].join("; ")] }));
  lines.sort((a, b) => a.position - b.position || a.person.localeCompare(b.person) || a.cells[1].localeCompare(b.cells[1]));
  const head = poll.isAnonymous ? [headers.question, headers.answer] : [headers.person, headers.question, headers.answer];
  const body = lines.map((entry) => line(poll.isAnonymous ? entry.cells : [entry.person, ...entry.cells]));
  return `${[line(head), ...body].join("\r\n")}\r\n`;
}
