import { maxOptions, scales } from "./limits.ts";
import type { QuestionKind } from "./models.ts";

/** One question of a survey as its author typed it. */
export interface SurveyQuestion {
  prompt: string;
  kind: QuestionKind;
  isRequired: boolean;
  minChoices: number;
  maxChoices: number;
  scaleMin: number;
  scaleMax: number;
  options: string[];
}

export const maxQuestions = 30;

/**
 * Reads a survey written as text, which needs no script to author:
 *   ? How do you rate the onboarding? [scale 1-5]
 *   ? What should we change? [text, optional]
 *   ? Which sessions did you attend? [multiple 1-3]
 *   - Security
 *   - Tools
 * A line starting with "?" is a question (its kind in brackets: single (default), multiple [min-max],
 * ranked, scale 1-5 | 1-10 | nps, text; "optional" makes it optional); a line starting with "-" is an option
 * of the question above. Returns the questions, or a translation key saying what is wrong.
 */
export function parseSurvey(text: string): SurveyQuestion[] | { error: string } {
  const questions: SurveyQuestion[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("?")) {
      const match = /^\?\s*(.+?)\s*(?:\[([^\]]*)\])?$/.exec(line);
      if (!match || match[1].length > 500) return { error: "polls:errors.surveyQuestion" };
      const flags = (match[2] ?? "").split(",").map((flag) => flag.trim().toLowerCase()).filter(Boolean);
      const question: SurveyQuestion = { prompt: match[1], kind: "single", isRequired: true, minChoices: 1, maxChoices: 1, scaleMin: 1, scaleMax: 5, options: [] };
      for (const flag of flags) {
        const [word, argument] = flag.split(/\s+/, 2);
        if (word === "optional") question.isRequired = false;
        else if (word === "single" || word === "ranked" || word === "text") question.kind = word;
        else if (word === "multiple") {
          question.kind = "multiple";
          const range = argument ? /^(\d{1,2})-(\d{1,2})$/.exec(argument) : null;
          if (argument && !range) return { error: "polls:errors.surveyQuestion" };
          if (range) [question.minChoices, question.maxChoices] = [Number(range[1]), Number(range[2])];
          else question.maxChoices = 0; // all options, once they are known
        } else if (word === "scale" && argument && argument in scales) {
          question.kind = "scale";
          [question.scaleMin, question.scaleMax] = scales[argument as keyof typeof scales];
        } else return { error: "polls:errors.surveyQuestion" };
      }
      questions.push(question);
    } else if (line.startsWith("-")) {
      const current = questions.at(-1);
      const option = line.slice(1).trim();
      if (!current || option === "") return { error: "polls:errors.surveyQuestion" };
      if (option.length > 200) return { error: "polls:errors.optionLength" };
      current.options.push(option);
    } else return { error: "polls:errors.surveyQuestion" };
  }
  if (questions.length === 0 || questions.length > maxQuestions) return { error: "polls:errors.surveyQuestions" };
  for (const question of questions) {
    const hasOptions = question.kind === "single" || question.kind === "multiple" || question.kind === "ranked";
    if (!hasOptions && question.options.length > 0) return { error: "polls:errors.surveyQuestion" };
    if (!hasOptions) continue;
    if (question.options.length < 2 || question.options.length > maxOptions) return { error: "polls:errors.options" };
    if (new Set(question.options.map((option) => option.toLowerCase())).size !== question.options.length) return { error: "polls:errors.duplicateOption" };
    if (question.kind === "ranked") question.maxChoices = question.options.length;
    if (question.kind === "multiple") {
      if (question.maxChoices === 0) question.maxChoices = question.options.length;
      if (question.minChoices < 1 || question.minChoices > question.maxChoices || question.maxChoices > question.options.length) return { error: "polls:errors.minMax" };
    }
  }
  return questions;
}
