import { isAnswerError, singleField, type Tally } from "./types.ts";

export const maxTextLength = 2000;

/** A free-text answer; the results list the texts (never who wrote them). */
export const freeText: Tally = {
  kind: "text",
  parse(question, body) {
    const raw = singleField(body, `q${question.id}`);
    if (raw === null || isAnswerError(raw)) return raw;
    const text = raw.trim();
    if (text === "") return null;
    return text.length > maxTextLength ? { error: "polls:errors.textTooLong" } : { text };
  },
  result: (question, data) => ({ kind: "text", answers: data.answers, rows: [], facts: [], texts: data.texts }),
};
