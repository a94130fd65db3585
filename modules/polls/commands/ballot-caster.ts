import { randomBytes } from "node:crypto";
import { QueryTypes, UniqueConstraintError, type Sequelize, type Transaction } from "sequelize";
import { HttpError } from "../../../core/sdk/index.ts";
import { PollAnswer, PollAnswerChoice, PollParticipation, type Poll } from "../models.ts";
import { isAnswerError, tallies, type ParsedAnswer, type QuestionView } from "../tallies/index.ts";

/** A random key for an answer: it says nothing of who answered or when. */
const answerKey = () => randomBytes(12).toString("hex");

/** Reads a ballot form: one checked answer per question answered; a malformed or missing required answer is a 422. */
export function readBallot(questions: QuestionView[], body: Record<string, unknown>): Map<number, ParsedAnswer> {
  const answers = new Map<number, ParsedAnswer>();
  for (const question of questions) {
    const parsed = tallies[question.kind].parse(question, body);
    if (isAnswerError(parsed)) throw new HttpError(422, parsed.error);
    if (parsed === null) {
      if (question.isRequired) throw new HttpError(422, "polls:errors.required");
      continue;
    }
    answers.set(question.id, parsed);
  }
  if (answers.size === 0) throw new HttpError(422, "polls:errors.required");
  return answers;
}

export const closedError = () => new HttpError(409, "polls:errors.closed");

/**
 * Records one person's ballot in one transaction: their participation row (unique per poll: two ballots at
 * once cannot both get in), then the answers. In an anonymous poll the answers carry no person. A person
 * who answered already replaces their answers where the poll allows it (never in an anonymous one).
 */
export async function castBallot(
  sequelize: Sequelize,
  poll: Poll,
  voterId: number,
  answers: Map<number, ParsedAnswer>,
  now: () => Date,
  /** raceMessage: what the loser of a race on a unique index is told instead (a quiz: its attempt counts once). */
  options: { replace?: boolean; afterWrite?: (transaction: Transaction) => Promise<unknown>; raceMessage?: string } = {},
) {
  const mayReplace = options.replace ?? (!poll.isAnonymous && poll.allowChange);
  try {
    await sequelize.transaction(async (transaction) => {
      // Read again inside the write: a close (by hand or by the deadline's job) that committed first wins.
      const [state] = await sequelize.query<{ closed_at: unknown; closes_at: unknown }>("SELECT closed_at, closes_at FROM polls WHERE id = :id", {
        replacements: { id: poll.id },
        type: QueryTypes.SELECT,
        transaction,
      });
      const closesAt = state?.closes_at ? new Date(state.closes_at as string) : null;
      if (!state || state.closed_at || (closesAt && closesAt.getTime() <= now().getTime())) throw closedError();
      // The person's participation row, locked (PostgreSQL; SQLite's IMMEDIATE transactions already take turns):
      // two changes sent at once take turns, the second replacing the first's answers instead of adding to
      // them, so a contest's votes per person stay within its cap.
      const existing = await PollParticipation.findOne({ where: { pollId: poll.id, userId: voterId }, transaction, lock: transaction.LOCK.UPDATE });
      if (existing) {
        if (poll.isAnonymous || !mayReplace) throw new HttpError(409, "polls:errors.alreadyAnswered");
        const old = await PollAnswer.findAll({ where: { pollId: poll.id, userId: voterId }, attributes: ["id"], transaction });
        await PollAnswerChoice.destroy({ where: { answerId: old.map((answer) => answer.id) }, transaction });
        await PollAnswer.destroy({ where: { pollId: poll.id, userId: voterId }, transaction });
      } else {
        await PollParticipation.create({ pollId: poll.id, userId: voterId }, { transaction });
      }
      const userId = poll.isAnonymous ? null : voterId;
      const choices: { answerId: string; questionId: number; optionId: number; rank: number | null }[] = [];
      const rows = [...answers].map(([questionId, answer]) => {
        const id = answerKey();
        for (const choice of answer.choices ?? []) choices.push({ answerId: id, questionId, optionId: choice.optionId, rank: choice.rank });
        return { id, pollId: poll.id, questionId, userId, value: answer.value ?? null, text: answer.text ?? null };
      });
      await PollAnswer.bulkCreate(rows, { transaction });
      if (choices.length > 0) await PollAnswerChoice.bulkCreate(choices, { transaction });
      await options.afterWrite?.(transaction);
    });
  } catch (error) {
    // The same person's second first ballot sent at once: the unique index refused it, and nothing of it was kept.
    if (error instanceof UniqueConstraintError) throw new HttpError(409, options.raceMessage ?? (mayReplace ? "polls:errors.answerRace" : "polls:errors.alreadyAnswered"));
    throw error;
  }
}
