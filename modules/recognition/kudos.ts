import { QueryTypes, type Transaction } from "sequelize";
import { z } from "zod";
import { defineComposerKind, User, type Container, type ContentPolicy, type ContentTypeDefinition, type Host } from "../../core/sdk/index.ts";
import { activeBadges } from "./badges.ts";
import { now } from "./clock.ts";
import { badgeIconHtml } from "./icons.ts";
import { Badge, Kudos, KudosRecipient, Preference } from "./models.ts";
import { checkKudos, resolveRecipients, spendQuotas } from "./rules.ts";

export const kudosType = "kudos";

/** The composer's fields beside core's text box (the message). */
export const kudosFields = z.object({
  recipients: z.string().trim().max(1000, "recognition:errors.tooManyRecipients").default(""),
  badge: z.coerce.number({ message: "recognition:errors.badge" }).int("recognition:errors.badge").positive("recognition:errors.badge"),
  wholeGroup: z.literal("1").optional(),
});
export type KudosFields = z.infer<typeof kudosFields>;

/** A page of kudos entries in three queries: the kudos, their badges, their recipients with names. */
export async function loadKudos(refIds: number[]): Promise<Map<number, unknown>> {
  const kudos = await Kudos.findAll({ where: { id: refIds } });
  const badges = new Map((await Badge.findAll({ where: { id: [...new Set(kudos.map((row) => row.badgeId))] } })).map((badge) => [badge.id, badge]));
  const recipients = await KudosRecipient.findAll({ where: { kudosId: refIds }, order: [["id", "ASC"]] });
  const people = new Map((await User.findAll({ where: { id: [...new Set(recipients.map((row) => row.recipientId))] }, attributes: ["id", "username", "displayName"] })).map((user) => [user.id, user]));
  return new Map(
    kudos.map((row) => {
      const badge = badges.get(row.badgeId)!;
      const thanked = recipients.filter((recipient) => recipient.kudosId === row.id).map((recipient) => people.get(recipient.recipientId)).filter((user): user is User => Boolean(user));
      return [
        row.id,
        {
          id: row.id,
          badge: { nameEn: badge.nameEn, nameFr: badge.nameFr, companyValue: badge.companyValue, points: badge.points, isRetired: !badge.isActive, iconHtml: badgeIconHtml(badge, 32) },
          recipients: thanked.map((user) => ({ name: user.displayName, url: `/u/${user.username}` })),
          thanksGroup: row.thanksGroup,
          messageHtml: row.messageHtml,
        },
      ];
    }),
  );
}

/** Deletes kudos for good (a deleted one past its 30 days, or a removed group's): recipients cascade. */
export async function removeKudos(ids: number[], transaction: Transaction) {
  await KudosRecipient.destroy({ where: { kudosId: ids }, transaction });
  await Kudos.destroy({ where: { id: ids }, transaction });
}

export interface GiveKudos {
  container: Container;
  message: string;
  recipients: string;
  badgeId: number;
  thanksGroup: boolean;
}

/** Checks every rule, writes the kudos through the content API, then tells the recipients (and managers who were asked to know). */
export async function giveKudos(host: Host, actor: ContentPolicy, input: GiveKudos) {
  const giver = actor.user!;
  const recipients = await resolveRecipients(input.recipients);
  await checkKudos(host, { giver, container: input.container, recipients, thanksGroup: input.thanksGroup, badgeId: input.badgeId });
  const at = now();
  const content = await host.content.create(actor, {
    type: kudosType,
    container: input.container,
    text: input.message,
    write: async ({ transaction, html }) => {
      await spendQuotas(host, giver.id, recipients.map((person) => person.id), transaction);
      return (await Kudos.create({ giverId: giver.id, badgeId: input.badgeId, containerType: input.container.type, containerId: input.container.id, thanksGroup: input.thanksGroup, message: input.message, messageHtml: html(input.message), createdAt: at }, { transaction })).id;
    },
    afterWrite: async ({ transaction, content }) => {
      await Kudos.update({ contentId: content.id }, { where: { id: content.refId! }, transaction });
      await KudosRecipient.bulkCreate(recipients.map((person) => ({ kudosId: content.refId!, recipientId: person.id, giverId: giver.id, createdAt: at })), { transaction });
    },
  });
  const recipientIds = recipients.map((person) => person.id);
  if (recipientIds.length > 0) {
    await host.notify({ type: "recognition.kudos", recipients: recipientIds, actor: giver, subject: { content, url: `/c/${content.id}` } });
    const managers = await managersToTell(host, recipientIds);
    if (managers.length > 0) await host.notify({ type: "recognition.team-kudos", recipients: managers, actor: giver, subject: { content, url: `/c/${content.id}` } });
  }
  await host.live.publish(input.container, "kudos", { contentId: content.id });
  return content;
}

/** The managers of recipients who asked that their manager be told (profile field "manager"). */
async function managersToTell(host: Host, recipientIds: number[]): Promise<number[]> {
  const asking = await Preference.findAll({ where: { userId: recipientIds, notifyManager: true }, attributes: ["userId"] });
  if (asking.length === 0) return [];
  const rows = await host.sequelize.query<{ manager_id: number | string }>("SELECT manager_id FROM user_profiles WHERE user_id IN (:ids) AND manager_id IS NOT NULL", {
    replacements: { ids: asking.map((row) => row.userId) },
    type: QueryTypes.SELECT,
  });
  return [...new Set(rows.map((row) => Number(row.manager_id)))].filter((id) => !recipientIds.includes(id));
}

export function kudosContentType(host: Host): ContentTypeDefinition {
  return {
    type: kudosType,
    template: "recognition/entry.njk",
    load: (refIds) => loadKudos(refIds),
    purge: (refIds, { transaction }) => removeKudos(refIds, transaction),
    // Kudos are found by their message; who may see a result follows the content's container, as in the stream.
    search: { label: "recognition:search.tab", table: "recognition_kudos", title: "NULL", body: "r.message", columns: ["message"] },
    composer: defineComposerKind({
      label: "recognition:composer.tab",
      template: "recognition/fields.njk",
      text: { label: "recognition:composer.message", required: true },
      fields: kudosFields,
      locals: async () => ({ badges: (await activeBadges()).map((badge) => ({ id: badge.id, nameEn: badge.nameEn, nameFr: badge.nameFr, points: badge.points })) }),
      submit: ({ actor, container, text, fields }) =>
        giveKudos(host, actor, { container, message: text ?? "", recipients: fields.recipients, badgeId: fields.badge, thanksGroup: fields.wholeGroup === "1" }),
    }),
  };
}
