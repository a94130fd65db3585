import type { Transaction } from "sequelize";
import { Content, defineComposerKind, type ComposerKind, type ContentTypeDefinition, type Host } from "../../core/sdk/index.ts";
import { contestFields, pollFields, quizFields, surveyFields } from "./composer.ts";
import { writeContest, writePoll, writeSurvey } from "./commands/poll-writer.ts";
import { scheduleClose, scheduleVoting } from "./deadlines.ts";
import { pollItems, type PollItem } from "./items.ts";
import { Poll } from "./models.ts";
import { winnerType } from "./winner.ts";
import { liveRankingType } from "./live/ranking-post.ts";

export const pollType = "poll";
export const surveyType = "survey";
export const quizType = "quiz";
export const contestType = "contest";
/** The content types written on the ballot engine: the same table, entry and routes. */
export const ballotTypes = [pollType, surveyType, quizType, contestType];

/**
 * Deletes polls for good with everything answered (their questions, options, participation and answers cascade),
 * and a contest's winner announcement with it: it shows the contest's stored result, which goes now, and an
 * announcement of a contest that no longer exists is what people expect gone too (as a thread's replies).
 */
export async function removePolls(ids: number[], transaction: Transaction) {
  if (ids.length === 0) return;
  // A live quiz's final ranking goes the same way (its ref_id is the quiz's poll too).
  await Content.destroy({ where: { type: [winnerType, liveRankingType], refId: ids }, transaction });
  await Poll.destroy({ where: { id: ids }, transaction });
}

/** A poll's or survey's content type: its entry, its cache versions, search, actions and composer tab. */
function ballotContentType(host: Host, type: string, composer: ComposerKind): ContentTypeDefinition {
  return {
    type,
    template: "polls/entry.njk",
    load: (refIds, policy, contents = []) => pollItems(host, refIds, policy, contents),
    // Entries are cached per reader: an answer, a participation, an added option or a close moves the poll's render version.
    cacheable: true,
    versionedBy: [
      { table: "polls", contentRef: "id" },
      { table: "poll_options", contentRef: "poll_id" },
      { table: "poll_participations", contentRef: "poll_id" },
      { table: "poll_answers", contentRef: "poll_id" },
      ...(type === quizType ? [{ table: "quiz_attempts", contentRef: "poll_id" }, { table: "quiz_starts", contentRef: "poll_id" }] : []),
      ...(type === contestType ? [{ table: "poll_jurors", contentRef: "poll_id" }, { table: "poll_jury_scores", contentRef: "poll_id" }] : []),
    ],
    search: {
      label: `polls:search.${type}`,
      table: "polls",
      title: "r.title",
      body: (dialect) => {
        const joined = (column: string, table: string) =>
          dialect === "postgres" ? `(SELECT string_agg(x.${column}, ' ') FROM ${table} x WHERE x.poll_id = r.id)` : `(SELECT group_concat(x.${column}, ' ') FROM ${table} x WHERE x.poll_id = r.id)`;
        return `r.title || ' ' || COALESCE(${joined("prompt", "poll_questions")}, '') || ' ' || COALESCE(${joined("label", "poll_options")}, '')`;
      },
      related: [
        { table: "poll_questions", column: "poll_id" },
        { table: "poll_options", column: "poll_id" },
      ],
    },
    purge: (refIds, { transaction }) => removePolls(refIds, transaction),
    actions(entry, viewer) {
      const item = entry.item as PollItem | undefined;
      if (!item || !viewer || entry.content.deletedAt) return [];
      const base = `/polls/${entry.content.id}`;
      const actions = [];
      if (item.isManager || entry.can.moderate) {
        actions.push(item.isOpen ? { label: "polls:actions.close", href: `${base}/close`, method: "post" as const, confirm: "polls:actions.closeConfirm" } : { label: "polls:actions.reopen", href: `${base}/reopen`, method: "post" as const });
      }
      if (item.isManager) actions.push({ label: "polls:actions.export", href: `${base}/results.csv` });
      if (entry.content.authorId === viewer.id) actions.push({ label: "polls:actions.settings", href: `${base}/settings` });
      return actions;
    },
    composer,
  };
}

/** The writer's time zone for the kind's template: its datetime-local fields are read in it (zones.ts). */
const writerZone = (host: Host) => async (writer: { id: number }) => ({ timeZone: await host.timeZoneOf(writer) });

/** Queues the deadline's close in the write that made the poll. */
const afterWrite = (host: Host) => async ({ transaction, content }: { transaction: Transaction; content: { refId: number | null } }) => {
  const poll = await Poll.findByPk(content.refId!, { transaction });
  if (poll?.closesAt) await scheduleClose(host, poll, transaction);
  if (poll?.submissionsCloseAt) await scheduleVoting(host, poll, transaction);
};

export function pollContentType(host: Host): ContentTypeDefinition {
  return ballotContentType(
    host,
    pollType,
    defineComposerKind({
      label: "polls:composer.tab",
      template: "polls/fields.njk",
      text: { label: "polls:composer.question", required: true },
      files: false,
      locals: writerZone(host),
      fields: pollFields,
      submit: ({ actor, container, text, fields }) =>
        host.content.create(actor, {
          type: pollType,
          container,
          text: [text, ...fields.options.map((option) => `- ${option}`)].join("\n"),
          write: async ({ transaction }) => (await writePoll(text ?? "", fields, container, actor.user!.id, transaction)).id,
          afterWrite: afterWrite(host),
        }),
    }),
  );
}

export function surveyContentType(host: Host): ContentTypeDefinition {
  return ballotContentType(
    host,
    surveyType,
    defineComposerKind({
      label: "polls:survey.tab",
      template: "polls/survey-fields.njk",
      text: { label: "polls:survey.title", required: true },
      files: false,
      locals: writerZone(host),
      fields: surveyFields,
      submit: ({ actor, container, text, fields }) =>
        host.content.create(actor, {
          type: surveyType,
          container,
          text: [text, ...fields.questions.map((question) => question.prompt)].join("\n"),
          write: async ({ transaction }) => (await writeSurvey(text ?? "", fields, container, actor.user!.id, transaction)).id,
          afterWrite: afterWrite(host),
        }),
    }),
  );
}

export function quizContentType(host: Host): ContentTypeDefinition {
  return ballotContentType(
    host,
    quizType,
    defineComposerKind({
      label: "polls:quiz.tab",
      template: "polls/quiz-fields.njk",
      text: { label: "polls:quiz.title", required: true },
      files: false,
      locals: writerZone(host),
      fields: quizFields,
      submit: ({ actor, container, text, fields }) =>
        host.content.create(actor, {
          type: quizType,
          container,
          // The right answers stay out of the text (search, mentions): only the title and the questions.
          text: [text, ...fields.questions.map((question) => question.prompt)].join("\n"),
          write: async ({ transaction }) => (await writeSurvey(text ?? "", fields, container, actor.user!.id, transaction)).id,
          afterWrite: afterWrite(host),
        }),
    }),
  );
}

export function contestContentType(host: Host): ContentTypeDefinition {
  return ballotContentType(
    host,
    contestType,
    defineComposerKind({
      label: "polls:contest.tab",
      template: "polls/contest-fields.njk",
      text: { label: "polls:contest.title", required: true },
      files: false,
      locals: writerZone(host),
      fields: contestFields,
      submit: ({ actor, container, text, fields }) =>
        host.content.create(actor, {
          type: contestType,
          container,
          text,
          write: async ({ transaction }) => (await writeContest(text ?? "", fields, container, actor.user!.id, transaction)).id,
          afterWrite: afterWrite(host),
        }),
    }),
  );
}
