import { Op, QueryTypes, type Transaction } from "sequelize";
import { User, type Host } from "../../core/sdk/index.ts";
import { now } from "./clock.ts";
import { Badge, BadgeGrant, BadgeRule } from "./models.ts";

const live = "c.deleted_at IS NULL AND c.hidden_at IS NULL";

/**
 * What a rule can count, each one grouped query giving the people who reach the threshold (:threshold; for
 * days of posting, :since is the latest first post that qualifies). Only content not deleted counts, so a
 * revoking rule takes a badge back when what earned it is deleted.
 */
export const metrics: Record<string, string> = {
  kudosReceived: `SELECT r.recipient_id AS user_id FROM recognition_kudos_recipients r JOIN recognition_kudos k ON k.id = r.kudos_id JOIN contents c ON c.id = k.content_id AND ${live} GROUP BY r.recipient_id HAVING COUNT(*) >= :threshold`,
  kudosGiven: `SELECT k.giver_id AS user_id FROM recognition_kudos k JOIN contents c ON c.id = k.content_id AND ${live} GROUP BY k.giver_id HAVING COUNT(*) >= :threshold`,
  posts: `SELECT c.author_id AS user_id FROM contents c WHERE c.type = 'post' AND ${live} GROUP BY c.author_id HAVING COUNT(*) >= :threshold`,
  comments: `SELECT c.author_id AS user_id FROM comments c WHERE ${live} GROUP BY c.author_id HAVING COUNT(*) >= :threshold`,
  juryPoints: `SELECT a.author_id AS user_id FROM recognition_awards a JOIN contents c ON c.id = a.content_id AND ${live} GROUP BY a.author_id HAVING SUM(a.points) >= :threshold`,
  daysPosting: `SELECT c.author_id AS user_id FROM contents c WHERE c.type = 'post' AND ${live} GROUP BY c.author_id HAVING MIN(c.created_at) <= :since`,
};
export const metricNames = Object.keys(metrics);

/** The active people who meet a rule now. */
async function qualifying(host: Host, rule: BadgeRule, transaction?: Transaction): Promise<Set<number>> {
  const since = new Date(now().getTime() - rule.threshold * 24 * 3600_000);
  const rows = await host.sequelize.query<{ user_id: number | string }>(
    `SELECT q.user_id FROM (${metrics[rule.metric]}) q JOIN users u ON u.id = q.user_id AND u.status = 'active'`,
    { replacements: { threshold: rule.threshold, since }, type: QueryTypes.SELECT, transaction },
  );
  return new Set(rows.map((row) => Number(row.user_id)));
}

/** Grants a rule's badge to everyone who meets it (past activity included) and, if it revokes, takes it back from those who no longer do. */
export async function applyRule(host: Host, rule: BadgeRule, transaction: Transaction): Promise<{ granted: number[]; revoked: number[] }> {
  const meeting = rule.isActive && rule.metric in metrics ? await qualifying(host, rule, transaction) : new Set<number>();
  const grants = await BadgeGrant.findAll({ where: { ruleId: rule.id }, transaction });
  const byUser = new Map(grants.map((grant) => [grant.userId, grant]));
  const at = now();
  const granted: number[] = [];
  const revoked: number[] = [];
  for (const userId of meeting) {
    const grant = byUser.get(userId);
    if (!grant) await BadgeGrant.create({ ruleId: rule.id, badgeId: rule.badgeId, userId, grantedAt: at }, { transaction });
    else if (grant.revokedAt) await grant.update({ revokedAt: null, grantedAt: at }, { transaction });
    else continue;
    granted.push(userId);
  }
  if (rule.revokes) {
    const gone = grants.filter((grant) => !grant.revokedAt && !meeting.has(grant.userId));
    if (gone.length > 0) await BadgeGrant.update({ revokedAt: at }, { where: { id: { [Op.in]: gone.map((grant) => grant.id) } }, transaction });
    revoked.push(...gone.map((grant) => grant.userId));
  }
  return { granted, revoked };
}

/** Tells each new holder, in their language, once the grants are committed. */
async function announce(host: Host, rule: BadgeRule, userIds: number[]) {
  const badge = await Badge.findByPk(rule.badgeId);
  if (!badge || userIds.length === 0) return;
  for (const user of await User.findAll({ where: { id: userIds }, attributes: ["id", "username", "language"] })) {
    const title = user.language === "fr" ? badge.nameFr : badge.nameEn;
    await host.notify({ type: "recognition.badge-earned", recipients: [user.id], actor: null, subject: { url: `/u/${user.username}/recognition`, title }, groupKey: `badge:${badge.id}:${user.id}` });
  }
}

/** Background work: a new rule is applied at once (to past activity), and every rule each hour. */
export function registerBadgeRules(host: Host) {
  host.jobs.handle<{ ruleId: number }>("apply-rule", async ({ ruleId }, { finish }) => {
    const rule = await BadgeRule.findByPk(ruleId);
    if (!rule) return;
    const { granted } = await finish((transaction) => applyRule(host, rule, transaction));
    await announce(host, rule, granted);
  });
  host.jobs.every("badge-rules", 3600_000, async () => {
    for (const rule of await BadgeRule.findAll({ where: { isActive: true }, order: [["id", "ASC"]] })) {
      const { granted } = await host.sequelize.transaction((transaction) => applyRule(host, rule, transaction));
      await announce(host, rule, granted);
    }
  });
}

/** Queues a rule's application now (in the transaction that made or changed it). */
export function applySoon(host: Host, rule: BadgeRule, transaction?: Transaction) {
  return host.jobs.at("apply-rule", new Date(), { ruleId: rule.id }, { key: `rule:${rule.id}:${Date.now()}`, transaction });
}
