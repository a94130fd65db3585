import type { QuestionKind } from "../models.ts";

/** A question as the ballot and the results read it. */
export interface QuestionView {
  id: number;
  position: number;
  kind: QuestionKind;
  prompt: string;
  isRequired: boolean;
  minChoices: number;
  maxChoices: number;
  scaleMin: number;
  scaleMax: number;
  /** Every option, removed ones included: their answers still count (the ballot offers only the others). */
  /** isPending: a contest entry waiting for moderation (neither on the ballot nor in the results); addedBy: who submitted it. */
  options: { id: number; label: string; isRemoved: boolean; isCorrect: boolean; isPending: boolean; addedBy: number | null; imageFileId?: number | null }[];
  /** Quizzes: what a right answer scores, and why it is right (shown once answers are revealed). */
  points: number;
  explanation: string | null;
}

/** One person's answer to one question, checked: what is written to poll_answers (and its choices). */
export interface ParsedAnswer {
  value?: number;
  text?: string;
  choices?: { optionId: number; rank: number | null }[];
}

/** A translation key saying what is wrong with the answer. */
export interface AnswerError {
  error: string;
}

/** Everything counted for one question, read in a few grouped queries for a page of polls. */
export interface TallyData {
  answers: number;
  choiceCounts: Map<number, number>;
  valueCounts: Map<number, number>;
  texts: string[];
  /** Ranked ballots, each the option ids in the order given (only loaded where results are shown in full). */
  rankings: number[][];
}

export interface ResultRow {
  label: string;
  count: number;
  /** Share of the answers (0–100, rounded to one decimal). */
  percent: number;
  /** An option removed after people chose it: its answers still count. */
  isRemoved?: boolean;
  /** A contest entry's image: its option, for the thumbnail's address. */
  image?: { optionId: number } | null;
}

/** One round of an instant runoff: the counts of the options still in, who goes out, the ballots with no option left. */
export interface RunoffRound {
  rows: ResultRow[];
  eliminated: string[];
  exhausted: number;
}

export interface QuestionResult {
  kind: QuestionKind;
  answers: number;
  rows: ResultRow[];
  /** Figures under the table (translation key + params): an average, a net promoter score, a winner. */
  facts: { key: string; params: Record<string, string | number> }[];
  rounds?: RunoffRound[];
  texts?: string[];
}

/** A kind of question: how a ballot's form field is read, and how its answers add up. */
export interface Tally {
  kind: QuestionKind;
  parse(question: QuestionView, body: Record<string, unknown>): ParsedAnswer | AnswerError | null;
  result(question: QuestionView, data: TallyData): QuestionResult;
}

export const percentOf = (count: number, total: number) => (total === 0 ? 0 : Math.round((count / total) * 1000) / 10);

/** The form field of a question: one string, or null when absent/empty; an array is malformed. */
export function singleField(body: Record<string, unknown>, name: string): string | null | AnswerError {
  const raw = body[name];
  if (raw === undefined || raw === "") return null;
  if (typeof raw !== "string") return { error: "polls:errors.malformed" };
  return raw;
}

export const isAnswerError = (value: unknown): value is AnswerError => typeof value === "object" && value !== null && "error" in value;
