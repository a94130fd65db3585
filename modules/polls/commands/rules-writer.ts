import { QueryTypes, type Sequelize } from "sequelize";
import { HttpError, type Host } from "../../../core/sdk/index.ts";
import type { RuleFields } from "../composer.ts";
import { maxOptions } from "../limits.ts";
import { scheduleClose } from "../deadlines.ts";
import { Poll, PollOption, PollQuestion } from "../models.ts";
import type { QuestionView } from "../tallies/index.ts";

/**
 * Changes a poll's rules. Anonymity changes only while nobody has answered, decided in the UPDATE itself
 * (a participation committed first wins); a new deadline queues its close in the same transaction.
 */
export async function changeRules(host: Host, poll: Poll, fields: RuleFields) {
  // A quiz keeps scores by person: it never becomes a secret ballot.
  if (poll.kind === "quiz") fields = { ...fields, anonymous: false, allowChange: false };
  await host.sequelize.transaction(async (transaction) => {
    if (fields.anonymous !== poll.isAnonymous) {
      const [, changed] = await host.sequelize.query(
        "UPDATE polls SET is_anonymous = :anonymous WHERE id = :id AND NOT EXISTS (SELECT 1 FROM poll_participations p WHERE p.poll_id = :id)",
        { replacements: { anonymous: fields.anonymous, id: poll.id }, type: QueryTypes.UPDATE, transaction },
      );
      if (changed !== 1) throw new HttpError(409, "polls:errors.anonymityLocked");
      poll.isAnonymous = fields.anonymous;
    }
    const moved = (fields.closesAt?.getTime() ?? null) !== (poll.closesAt?.getTime() ?? null);
    await poll.update(
      {
        allowChange: fields.allowChange && !poll.isAnonymous,
        resultsVisibility: fields.results,
        membersAddOptions: fields.membersAddOptions,
        openToReaders: fields.openToReaders,
        closesAt: fields.closesAt,
      },
      { transaction },
    );
    if (moved) await scheduleClose(host, poll, transaction);
  });
}

/** A member adds an option to a choice question (where the poll allows it); a label already there is a 409. */
export async function addOption(sequelize: Sequelize, poll: Poll, question: { id: number; kind: string }, label: string, userId: number) {
  await sequelize.transaction(async (transaction) => {
    const options = await PollOption.findAll({ where: { questionId: question.id }, transaction });
    if (options.length >= maxOptions) throw new HttpError(409, "polls:errors.tooManyOptions");
    if (options.some((option) => option.label.toLowerCase() === label.toLowerCase())) throw new HttpError(409, "polls:errors.duplicateOption");
    await PollOption.create({ pollId: poll.id, questionId: question.id, position: Math.max(0, ...options.map((option) => option.position)) + 1, label, addedBy: userId }, { transaction });
    // A ranking may rank every option, the new one too.
    if (question.kind === "ranked") await PollQuestion.update({ maxChoices: options.length + 1 }, { where: { id: question.id }, transaction });
  });
}

/**
 * The author's edit of a poll's options: new options are added to their question (even once people answered);
 * removed ones leave the ballot but keep their answers. Checks every line first, then writes in one transaction.
 */
export async function editOptions(sequelize: Sequelize, poll: Poll, questions: QuestionView[], additions: Map<number, string[]>, removals: number[], userId: number) {
  const choiceQuestions = new Map(questions.filter((question) => question.options.length > 0).map((question) => [question.id, question]));
  for (const [questionId, labels] of additions) {
    const question = choiceQuestions.get(questionId);
    if (!question) throw new HttpError(422, "polls:errors.malformed");
    if (labels.some((label) => label.length > 200)) throw new HttpError(422, "polls:errors.optionLength");
    const all = [...question.options.map((option) => option.label), ...labels].map((label) => label.toLowerCase());
    if (new Set(all).size !== all.length) throw new HttpError(422, "polls:errors.duplicateOption");
    if (question.options.length + labels.length > maxOptions) throw new HttpError(422, "polls:errors.tooManyOptions");
  }
  const removable = new Map(questions.flatMap((question) => question.options.filter((option) => !option.isRemoved).map((option) => [option.id, question] as const)));
  if (removals.some((id) => !removable.has(id))) throw new HttpError(422, "polls:errors.unknownOption");
  for (const question of choiceQuestions.values()) {
    const left = question.options.filter((option) => !option.isRemoved && !removals.includes(option.id)).length + (additions.get(question.id)?.length ?? 0);
    if (left < 2) throw new HttpError(422, "polls:errors.options");
  }
  await sequelize.transaction(async (transaction) => {
    for (const [questionId, labels] of additions) {
      const question = choiceQuestions.get(questionId)!;
      const start = question.options.length;
      await PollOption.bulkCreate(labels.map((label, index) => ({ pollId: poll.id, questionId, position: start + index + 1, label, addedBy: userId })), { transaction });
    }
    if (removals.length > 0) await PollOption.update({ removedAt: new Date() }, { where: { id: removals, pollId: poll.id }, transaction });
    // A ranking may rank every option left; a multiple choice's maximum stays within them.
    for (const question of choiceQuestions.values()) {
      const left = question.options.filter((option) => !option.isRemoved && !removals.includes(option.id)).length + (additions.get(question.id)?.length ?? 0);
      if (question.kind === "ranked") await PollQuestion.update({ maxChoices: left }, { where: { id: question.id }, transaction });
      if (question.kind === "multiple" && question.maxChoices > left) await PollQuestion.update({ maxChoices: left, minChoices: Math.min(question.minChoices, left) }, { where: { id: question.id }, transaction });
    }
  });
}
