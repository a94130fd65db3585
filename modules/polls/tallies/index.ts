import type { QuestionKind } from "../models.ts";
import { multipleChoice, singleChoice } from "./choice.ts";
import { rankedChoice } from "./ranked.ts";
import { scale } from "./scale.ts";
import { freeText } from "./text.ts";
import type { Tally } from "./types.ts";

/** The ballot engine's kinds of question: each reads its own form field and adds up its own answers. */
export const tallies: Record<QuestionKind, Tally> = {
  single: singleChoice,
  multiple: multipleChoice,
  ranked: rankedChoice,
  scale,
  text: freeText,
};

export type { ParsedAnswer, QuestionResult, QuestionView, TallyData } from "./types.ts";
export { isAnswerError } from "./types.ts";
