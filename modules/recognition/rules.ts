import { QueryTypes, type Transaction } from "sequelize";
import { HttpError, User, type Container, type Host } from "../../core/sdk/index.ts";
import { dayStart, monthStart, now } from "./clock.ts";
import { Badge } from "./models.ts";
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
 * The rules a kudos must meet before it is written: someone thanked (people, or the whole group it is
 * posted in), an active badge, not oneself, recipients who can read the place. The limits are spent in the
 * write itself (spendQuotas).
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
  return badge;
}

/**
 * Spends, inside the kudos' transaction, one of the giver's daily limit and one of the monthly cap for each
 * recipient (so a ring of people thanking each other does not pay). Each is a single guarded UPDATE: two
 * kudos sent at once cannot both take the last one, on either database.
 */
export async function spendQuotas(host: Host, giverId: number, recipientIds: number[], transaction: Transaction) {
  const { dailyLimit, pairMonthlyCap } = await host.settings.read(siteSettings);
  const at = now();
  const day = dayStart(at).toISOString().slice(0, 10);
  const month = monthStart(at).toISOString().slice(0, 7);
  const spend = async (scope: string, periodKey: string, limit: number, refusal: string) => {
    const replacements = { giver: giverId, scope, periodKey, limit };
    await host.sequelize.query("INSERT INTO recognition_quotas (giver_id, scope, period_key, used) VALUES (:giver, :scope, :periodKey, 0) ON CONFLICT (giver_id, scope, period_key) DO NOTHING", { replacements, transaction });
    const [, changed] = await host.sequelize.query("UPDATE recognition_quotas SET used = used + 1 WHERE giver_id = :giver AND scope = :scope AND period_key = :periodKey AND used + 1 <= :limit", {
      replacements,
      type: QueryTypes.UPDATE,
      transaction,
    });
    if (changed !== 1) throw refused(refusal);
  };
  await spend("day", day, dailyLimit, "dailyLimit");
  for (const recipientId of recipientIds) await spend(`pair:${recipientId}`, month, pairMonthlyCap, "pairCap");
}
