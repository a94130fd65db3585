import { isAnswerError, percentOf, singleField, type QuestionView, type Tally, type TallyData } from "./types.ts";

const optionIdOf = (question: QuestionView, raw: string) => {
  if (!/^[1-9]\d{0,9}$/.test(raw)) return null;
  return question.options.find((option) => option.id === Number(raw) && !option.isRemoved && !option.isPending)?.id ?? null;
};

function choiceResult(question: QuestionView, data: TallyData) {
  return {
    kind: question.kind,
    answers: data.answers,
    rows: question.options.filter((option) => !option.isPending).map((option) => ({ label: option.label, isRemoved: option.isRemoved, image: option.imageFileId ? { optionId: option.id } : null, count: data.choiceCounts.get(option.id) ?? 0, percent: percentOf(data.choiceCounts.get(option.id) ?? 0, data.answers) })),
    facts: [],
  };
}

/** One option of the list (radio buttons). */
export const singleChoice: Tally = {
  kind: "single",
  parse(question, body) {
    const raw = singleField(body, `q${question.id}`);
    if (raw === null || isAnswerError(raw)) return raw;
    const optionId = optionIdOf(question, raw);
    return optionId ? { choices: [{ optionId, rank: null }] } : { error: "polls:errors.unknownOption" };
  },
  result: choiceResult,
};

/** Several options (check boxes), between the question's minimum and maximum. */
export const multipleChoice: Tally = {
  kind: "multiple",
  parse(question, body) {
    const raw = body[`q${question.id}`];
    if (raw === undefined || raw === "") return null;
    const values = Array.isArray(raw) ? raw : [raw];
    if (!values.every((value) => typeof value === "string")) return { error: "polls:errors.malformed" };
    const ids = values.map((value) => optionIdOf(question, value as string));
    if (ids.some((id) => id === null)) return { error: "polls:errors.unknownOption" };
    if (new Set(ids).size !== ids.length) return { error: "polls:errors.malformed" };
    if (ids.length > question.maxChoices) return { error: "polls:errors.tooMany" };
    if (ids.length < question.minChoices) return { error: "polls:errors.tooFew" };
    return { choices: ids.map((optionId) => ({ optionId: optionId!, rank: null })) };
  },
  result: choiceResult,
};
