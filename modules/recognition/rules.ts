import { Op } from "sequelize";
import { HttpError, User, type Container, type Host } from "../../core/sdk/index.ts";
import { dayStart, monthStart, now } from "./clock.ts";
import { Badge, Kudos, KudosRecipient } from "./models.ts";
import { siteSettings } from "./settings.ts";

/** A kudos refused by one of its rules: a 422 whose message says which (and writes nothing). */
export const refused = (key: string) => new HttpError(422, `recognition:errors.${key}`);

/** "@ana, bob" → the active people with those usernames, or a refusal naming the problem. */
export async function resolveRecipients(list: string): Promise<User[]> {
  const names = [...new Set(list.split(/[\s,;]+/).map((name) => name.replace(/^@/, "").toLowerCase()).filter(Boolean))];
  if (names.length > 20) throw refused("tooManyRecipients");
  if (names.length === 0) return [];
  const people = await User.findAll({ where: { username: names, status: "active" } });
  if (people.length !== names.length) throw refused("unknownPerson");
  return people;
}

export interface KudosRequest {
  giver: User;
  container: Container;
  recipients: User[];
  thanksGroup: boolean;
  badgeId: number;
}

/**
 * Every rule a kudos must meet before it is written: someone thanked (people, or the whole group it is
 * posted in), an active badge, not oneself, recipients who can read the place, the giver's daily limit and
 * the monthly cap per giver and recipient (so a ring of people thanking each other does not pay).
 */
export async function checkKudos(host: Host, request: KudosRequest): Promise<Badge> {
  const { giver, container, recipients, thanksGroup } = request;
  if (thanksGroup && container.type !== "group") throw refused("groupOnlyInGroup");
  if (!thanksGroup && recipients.length === 0) throw refused("noRecipient");
  if (recipients.some((person) => person.id === giver.id)) throw refused("self");
  const badge = await Badge.findByPk(request.badgeId);
  if (!badge || !badge.isActive) throw refused("badge");
  for (const person of recipients) {
    if (!(await host.policyFor(person).canReadContainerOf(container))) throw refused("cannotRead");
  }
  const { dailyLimit, pairMonthlyCap } = await host.settings.read(siteSettings);
  const at = now();
  if ((await Kudos.count({ where: { giverId: giver.id, createdAt: { [Op.gte]: dayStart(at) } } })) >= dailyLimit) throw refused("dailyLimit");
  if (recipients.length > 0) {
    const given = await KudosRecipient.count({
      where: { giverId: giver.id, recipientId: recipients.map((person) => person.id), createdAt: { [Op.gte]: monthStart(at) } },
      group: ["recipientId"],
    });
    if ((given as unknown as { count: number }[]).some((row) => Number(row.count) >= pairMonthlyCap)) throw refused("pairCap");
  }
  return badge;
}
