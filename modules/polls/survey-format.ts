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
  /** Quizzes: which options are right (parallel to options), the points a right answer scores, the explanation. */
  correct: boolean[];
  points: number;
  explanation: string | null;
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
export function parseSurvey(text: string, mode: "survey" | "quiz" = "survey"): SurveyQuestion[] | { error: string } {
  const isQuiz = mode === "quiz";
  const questions: SurveyQuestion[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("?")) {
      const match = /^\?\s*(.+?)\s*(?:\[([^\]]*)\])?$/.exec(line);
      if (!match || match[1].length > 500) return { error: "polls:errors.surveyQuestion" };
      const flags = (match[2] ?? "").split(",").map((flag) => flag.trim().toLowerCase()).filter(Boolean);
      const question: SurveyQuestion = { prompt: match[1], kind: "single", isRequired: true, minChoices: 1, maxChoices: 1, scaleMin: 1, scaleMax: 5, options: [], correct: [], points: isQuiz ? 1 : 0, explanation: null };
      for (const flag of flags) {
        const [word, argument] = flag.split(/\s+/, 2);
        if (word === "optional" && !isQuiz) question.isRequired = false;
        else if (word === "points" && isQuiz && argument && /^\d{1,3}$/.test(argument) && Number(argument) >= 1 && Number(argument) <= 100) question.points = Number(argument);
        else if (isQuiz && word !== "single" && word !== "multiple") return { error: "polls:errors.quizQuestion" };
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
    } else if (line.startsWith("-") || (isQuiz && line.startsWith("+"))) {
      const current = questions.at(-1);
      const option = line.slice(1).trim();
      if (!current || option === "") return { error: "polls:errors.surveyQuestion" };
      if (option.length > 200) return { error: "polls:errors.optionLength" };
      current.options.push(option);
      current.correct.push(line.startsWith("+"));
    } else if (isQuiz && line.startsWith(">")) {
      const current = questions.at(-1);
      if (!current || line.slice(1).trim() === "") return { error: "polls:errors.surveyQuestion" };
      current.explanation = [current.explanation, line.slice(1).trim()].filter(Boolean).join(" ").slice(0, 2000);
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
    const rights = question.correct.filter(Boolean).length;
    if (isQuiz && (rights === 0 || (question.kind === "single" && rights !== 1))) return { error: "polls:errors.quizCorrect" };
    if (question.kind === "multiple") {
      if (question.maxChoices === 0) question.maxChoices = question.options.length;
      if (question.minChoices < 1 || question.minChoices > question.maxChoices || question.maxChoices > question.options.length) return { error: "polls:errors.minMax" };
    }
  }
  return questions;
}
