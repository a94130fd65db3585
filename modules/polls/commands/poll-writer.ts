import type { Transaction } from "sequelize";
import { Poll, PollOption, PollQuestion } from "../models.ts";
import type { ContestFields, PollFields, QuizFields, SurveyFields } from "../composer.ts";
import { scales } from "../limits.ts";

/** Writes a one-question poll from the composer's fields; returns its id (the content's refId). */
export async function writePoll(question: string, fields: PollFields, container: { type: string; id: number }, authorId: number, transaction: Transaction) {
  const poll = await Poll.create(
    {
      containerType: container.type,
      containerId: container.id,
      authorId,
      kind: "poll",
      title: question.slice(0, 300),
      isAnonymous: fields.anonymous,
      // An anonymous answer cannot be found again to be replaced.
      allowChange: fields.allowChange && !fields.anonymous,
      resultsVisibility: fields.results,
      membersAddOptions: fields.membersAddOptions && fields.pollKind !== "scale" && fields.pollKind !== "text",
      openToReaders: fields.openToReaders,
      closesAt: fields.closesAt,
    },
    { transaction },
  );
  const [scaleMin, scaleMax] = scales[fields.scale];
  const options = fields.pollKind === "scale" || fields.pollKind === "text" ? [] : fields.options;
  const maxChoices = fields.pollKind === "multiple" ? (fields.maxChoices ?? options.length) : fields.pollKind === "ranked" ? options.length : 1;
  const row = await PollQuestion.create(
    {
      pollId: poll.id,
      position: 1,
      kind: fields.pollKind,
      prompt: question.slice(0, 500),
      isRequired: true,
      minChoices: fields.pollKind === "multiple" ? (fields.minChoices ?? 1) : 1,
      maxChoices,
      scaleMin,
      scaleMax,
    },
    { transaction },
  );
  await PollOption.bulkCreate(
    options.map((label, index) => ({ pollId: poll.id, questionId: row.id, position: index + 1, label })),
    { transaction },
  );
  return poll;
}

/** Writes a survey or a quiz: its questions in the order written, each with its options; returns it (its id is the content's refId). */
export async function writeSurvey(title: string, fields: SurveyFields | QuizFields, container: { type: string; id: number }, authorId: number, transaction: Transaction) {
  const isQuiz = "attempts" in fields;
  const poll = await Poll.create(
    {
      containerType: container.type,
      containerId: container.id,
      authorId,
      kind: isQuiz ? "quiz" : "survey",
      title: title.slice(0, 300),
      // A quiz keeps scores by person: never a secret ballot; its attempts replace changing an answer.
      isAnonymous: !isQuiz && fields.anonymous,
      allowChange: !isQuiz && fields.allowChange && !fields.anonymous,
      resultsVisibility: fields.results,
      membersAddOptions: false,
      openToReaders: fields.openToReaders,
      closesAt: fields.closesAt,
      maxAttempts: isQuiz ? fields.attempts : 1,
      reveal: isQuiz ? fields.reveal : "attempt",
      hasLeaderboard: isQuiz && fields.leaderboard,
      timeLimitSeconds: isQuiz ? (fields.timeLimit ?? null) : null,
      timeBonus: isQuiz && fields.timeBonus && fields.timeLimit !== undefined,
    },
    { transaction },
  );
  for (const [index, question] of fields.questions.entries()) {
    const { options, correct, prompt, kind, isRequired, minChoices, maxChoices, scaleMin, scaleMax, points, explanation } = question;
    const row = await PollQuestion.create({ pollId: poll.id, position: index + 1, prompt, kind, isRequired, minChoices, maxChoices, scaleMin, scaleMax, points, explanation }, { transaction });
    await PollOption.bulkCreate(options.map((label, place) => ({ pollId: poll.id, questionId: row.id, position: place + 1, label, isCorrect: correct[place] ?? false })), { transaction });
  }
  return poll;
}

/** Writes a contest: one multiple-choice question whose options are the entries members will submit. */
export async function writeContest(title: string, fields: ContestFields, container: { type: string; id: number }, authorId: number, transaction: Transaction) {
  const poll = await Poll.create(
    {
      containerType: container.type,
      containerId: container.id,
      authorId,
      kind: "contest",
      title: title.slice(0, 300),
      resultsVisibility: fields.results,
      allowChange: true,
      submissionsCloseAt: fields.submissionsCloseAt,
      closesAt: fields.closesAt,
      maxEntries: fields.maxEntries,
      isModerated: fields.moderated,
    },
    { transaction },
  );
  await PollQuestion.create({ pollId: poll.id, position: 1, kind: "multiple", prompt: title.slice(0, 500), minChoices: 1, maxChoices: fields.votesPerPerson }, { transaction });
  return poll;
}
