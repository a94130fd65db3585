import type { Transaction } from "sequelize";
import { defineComposerKind, type ContentTypeDefinition, type Host } from "../../core/sdk/index.ts";
import { pollFields } from "./composer.ts";
import { writePoll } from "./commands/poll-writer.ts";
import { scheduleClose } from "./deadlines.ts";
import { pollItems, type PollItem } from "./items.ts";
import { Poll } from "./models.ts";

export const pollType = "poll";

/** Deletes polls for good with everything answered (their questions, options, participation and answers cascade). */
export async function removePolls(ids: number[], transaction: Transaction) {
  if (ids.length > 0) await Poll.destroy({ where: { id: ids }, transaction });
}

export function pollContentType(host: Host): ContentTypeDefinition {
  return {
    type: pollType,
    template: "polls/entry.njk",
    load: (refIds, policy, contents = []) => pollItems(host.sequelize, refIds, policy, contents),
    // Entries are cached per reader: an answer, a participation, an added option or a close moves the poll's render version.
    cacheable: true,
    versionedBy: [
      { table: "polls", contentRef: "id" },
      { table: "poll_options", contentRef: "poll_id" },
      { table: "poll_participations", contentRef: "poll_id" },
      { table: "poll_answers", contentRef: "poll_id" },
    ],
    search: {
      label: "polls:search.tab",
      table: "polls",
      title: "r.title",
      body: (dialect) =>
        dialect === "postgres"
          ? "r.title || ' ' || COALESCE((SELECT string_agg(o.label, ' ') FROM poll_options o WHERE o.poll_id = r.id), '')"
          : "r.title || ' ' || COALESCE((SELECT group_concat(o.label, ' ') FROM poll_options o WHERE o.poll_id = r.id), '')",
      related: [{ table: "poll_options", column: "poll_id" }],
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
    composer: defineComposerKind({
      label: "polls:composer.tab",
      template: "polls/fields.njk",
      text: { label: "polls:composer.question", required: true },
      files: false,
      fields: pollFields,
      submit: ({ actor, container, text, fields }) =>
        host.content.create(actor, {
          type: pollType,
          container,
          text: [text, ...fields.options.map((option) => `- ${option}`)].join("\n"),
          write: async ({ transaction }) => (await writePoll(text ?? "", fields, container, actor.user!.id, transaction)).id,
          afterWrite: async ({ transaction, content }) => {
            const poll = await Poll.findByPk(content.refId!, { transaction });
            if (poll?.closesAt) await scheduleClose(host, poll, transaction);
          },
        }),
    }),
  };
}
