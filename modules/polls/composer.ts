import { z } from "zod";
import { questionKinds, resultVisibilities } from "./models.ts";
import { parseSurvey } from "./survey-format.ts";
import { maxOptions } from "./limits.ts";
import { readInZone } from "./zones.ts";

export { maxOptions, scales } from "./limits.ts";

const checkbox = z.preprocess((value) => value === "on" || value === "true" || value === "1", z.boolean());
const optionalCount = z.preprocess((value) => (value === "" || value === undefined ? undefined : value), z.coerce.number({ message: "polls:errors.count" }).int("polls:errors.count").min(1, "polls:errors.count").max(maxOptions, "polls:errors.count").optional());
const lines = (text: string) => text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");

/**
 * A moment typed in the composer: a full ISO 8601 time with its zone, or a datetime-local value, which the
 * schemas below read first in the writer's zone (inWriterZone); one sent without a zone field reads as UTC.
 */
function parseMoment(value: string): Date | null {
  const text = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value) ? `${value}Z` : value;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

const closesAtField = z
  .string()
  .trim()
  .default("")
  .transform((value, context) => {
    if (value === "") return null;
    const date = parseMoment(value);
    if (!date || date.getTime() <= Date.now()) {
      context.addIssue({ code: "custom", message: "polls:errors.closesAt" });
      return z.NEVER;
    }
    return date;
  });

/** The form's datetime-local fields read in the writer's time zone (its hidden timeZone field, see zones.ts). */
const inWriterZone = <T extends z.ZodType>(names: string[], schema: T) => z.preprocess((body) => readInZone(body, names), schema);

/** The rules an author may change on the poll's settings page (anonymity only until the first answer). */
export const ruleFields = inWriterZone(["closesAt"], z.object({
  anonymous: checkbox,
  allowChange: checkbox,
  results: z.enum(resultVisibilities, { message: "polls:errors.results" }),
  membersAddOptions: checkbox,
  openToReaders: checkbox,
  closesAt: closesAtField,
}));
export type RuleFields = z.infer<typeof ruleFields>;

/** The poll composer's own fields, beside core's text box (the question). */
export const pollFields = inWriterZone(["closesAt"], z
  .object({
    pollKind: z.enum(questionKinds, { message: "polls:errors.kind" }).default("single"),
    options: z.string().max(20_000, "polls:errors.options").default("").transform(lines),
    minChoices: optionalCount,
    maxChoices: optionalCount,
    scale: z.enum(["1-5", "1-10", "nps"], { message: "polls:errors.scale" }).default("1-5"),
    anonymous: checkbox,
    allowChange: checkbox,
    results: z.enum(resultVisibilities, { message: "polls:errors.results" }).default("always"),
    membersAddOptions: checkbox,
    openToReaders: checkbox,
    closesAt: closesAtField,
  })
  .superRefine((fields, context) => {
    const needsOptions = fields.pollKind === "single" || fields.pollKind === "multiple" || fields.pollKind === "ranked";
    if (!needsOptions) return;
    const issue = (path: string, message: string) => context.addIssue({ code: "custom", path: [path], message });
    if (fields.options.length < 2 || fields.options.length > maxOptions) issue("options", "polls:errors.options");
    else if (fields.options.some((option) => option.length > 200)) issue("options", "polls:errors.optionLength");
    else if (new Set(fields.options.map((option) => option.toLowerCase())).size !== fields.options.length) issue("options", "polls:errors.duplicateOption");
    if (fields.pollKind === "multiple") {
      const min = fields.minChoices ?? 1;
      const max = fields.maxChoices ?? fields.options.length;
      if (min > max || max > fields.options.length) issue("maxChoices", "polls:errors.minMax");
    }
  }));

export type PollFields = z.infer<typeof pollFields>;

/** The survey composer's fields: the questions as text (survey-format.ts), and the same rules as a poll. */
export const surveyFields = inWriterZone(["closesAt"], z.object({
  questions: z
    .string()
    .max(50_000, "polls:errors.surveyQuestions")
    .default("")
    .transform((value, context) => {
      const parsed = parseSurvey(value);
      if ("error" in parsed) {
        context.addIssue({ code: "custom", message: parsed.error });
        return z.NEVER;
      }
      return parsed;
    }),
  anonymous: checkbox,
  allowChange: checkbox,
  results: z.enum(resultVisibilities, { message: "polls:errors.results" }).default("always"),
  openToReaders: checkbox,
  closesAt: closesAtField,
}));
export type SurveyFields = z.infer<typeof surveyFields>;

/** The quiz composer's fields: questions with their right options (survey-format.ts, quiz mode), attempts, reveal, leaderboard. */
export const quizFields = inWriterZone(["closesAt"], z.object({
  questions: z
    .string()
    .max(50_000, "polls:errors.surveyQuestions")
    .default("")
    .transform((value, context) => {
      const parsed = parseSurvey(value, "quiz");
      if ("error" in parsed) {
        context.addIssue({ code: "custom", message: parsed.error });
        return z.NEVER;
      }
      return parsed;
    }),
  attempts: z.preprocess((value) => (value === "" || value === undefined ? 1 : value), z.coerce.number({ message: "polls:errors.attempts" }).int("polls:errors.attempts").min(1, "polls:errors.attempts").max(10, "polls:errors.attempts")),
  reveal: z.enum(["attempt", "close"], { message: "polls:errors.reveal" }).default("attempt"),
  leaderboard: checkbox,
  timeLimit: z.preprocess((value) => (value === "" || value === undefined ? undefined : value), z.coerce.number({ message: "polls:errors.timeLimit" }).int("polls:errors.timeLimit").min(10, "polls:errors.timeLimit").max(7200, "polls:errors.timeLimit").optional()),
  timeBonus: checkbox,
  results: z.enum(resultVisibilities, { message: "polls:errors.results" }).default("closed"),
  openToReaders: checkbox,
  closesAt: closesAtField,
}));
export type QuizFields = z.infer<typeof quizFields>;

/** The contest composer's fields: when submissions end and voting ends, the caps, moderation. */
export const contestFields = inWriterZone(["submissionsCloseAt", "closesAt"], z
  .object({
    submissionsCloseAt: closesAtField,
    closesAt: closesAtField,
    maxEntries: z.preprocess((value) => (value === "" || value === undefined ? 1 : value), z.coerce.number({ message: "polls:errors.cap" }).int("polls:errors.cap").min(1, "polls:errors.cap").max(5, "polls:errors.cap")),
    votesPerPerson: z.preprocess((value) => (value === "" || value === undefined ? 1 : value), z.coerce.number({ message: "polls:errors.cap" }).int("polls:errors.cap").min(1, "polls:errors.cap").max(5, "polls:errors.cap")),
    moderated: checkbox,
    results: z.enum(resultVisibilities, { message: "polls:errors.results" }).default("closed"),
  })
  .superRefine((fields, context) => {
    if (!fields.submissionsCloseAt) context.addIssue({ code: "custom", path: ["submissionsCloseAt"], message: "polls:errors.closesAt" });
    if (!fields.closesAt || (fields.submissionsCloseAt && fields.closesAt <= fields.submissionsCloseAt)) context.addIssue({ code: "custom", path: ["closesAt"], message: "polls:errors.votingAfter" });
  }));
export type ContestFields = z.infer<typeof contestFields>;
