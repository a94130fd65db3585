import { QueryTypes, type Sequelize } from "sequelize";
import type { ContentPolicy } from "../../core/sdk/index.ts";
import { readableSql } from "./wall-query.ts";

/** A ranking's period: [from, to) in UTC, and its label ("2026-04" or "2026"). */
export interface Period {
  from: Date;
  to: Date;
  label: string;
}

/** Groups smaller than this are never ranked: a ranking must not single out a handful of people. */
export const smallestRankedGroup = 5;

export interface PersonRank {
  id: number;
  name: string;
  username: string;
  kudos: number;
  points: number;
}

const hidden = "NOT EXISTS (SELECT 1 FROM recognition_preferences p WHERE p.user_id = u.id AND p.hide_from_rankings = :yes)";

/**
 * People ranked by the points they received in the period (their kudos' badge points plus the jury's awards),
 * counting only what the reader may read (null: everything, for the admins' export); people who opted out
 * and inactive accounts never appear.
 */
export async function rankPeople(sequelize: Sequelize, policy: ContentPolicy | null, period: Period, limit: number, groupsOn?: Set<number>): Promise<PersonRank[]> {
  const replacements: Record<string, unknown> = { from: period.from, to: period.to, limit, yes: true };
  const kudosReadable = policy ? await readableSql(policy, replacements, "k", groupsOn) : "1 = 1";
  const awardsReadable = policy ? await readableSql(policy, replacements, "c") : "1 = 1";
  const rows = await sequelize.query<{ id: number; name: string; username: string; kudos: number | string; points: number | string }>(
    `SELECT u.id, u.display_name AS name, u.username, SUM(s.kudos) AS kudos, SUM(s.points) AS points FROM (
       SELECT r.recipient_id AS user_id, 1 AS kudos, b.points AS points
       FROM recognition_kudos_recipients r
       JOIN recognition_kudos k ON k.id = r.kudos_id
       JOIN recognition_badges b ON b.id = k.badge_id
       JOIN contents c ON c.id = k.content_id AND c.deleted_at IS NULL AND c.hidden_at IS NULL
       WHERE k.created_at >= :from AND k.created_at < :to AND ${kudosReadable}
       UNION ALL
       SELECT a.author_id AS user_id, 0 AS kudos, a.points AS points
       FROM recognition_awards a
       JOIN contents c ON c.id = a.content_id AND c.deleted_at IS NULL AND c.hidden_at IS NULL
       WHERE a.created_at >= :from AND a.created_at < :to AND ${awardsReadable}
     ) s JOIN users u ON u.id = s.user_id AND u.status = 'active'
     WHERE ${hidden}
     GROUP BY u.id, u.display_name, u.username
     ORDER BY SUM(s.points) DESC, SUM(s.kudos) DESC, u.id ASC LIMIT :limit`,
    { replacements, type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({ id: Number(row.id), name: row.name, username: row.username, kudos: Number(row.kudos), points: Number(row.points) }));
}

/** Groups the reader may read, with at least five members, ranked by the kudos posted in them. */
export async function rankGroups(sequelize: Sequelize, policy: ContentPolicy, period: Period, limit: number, groupsOn?: Set<number>) {
  const replacements: Record<string, unknown> = { from: period.from, to: period.to, limit, smallest: smallestRankedGroup };
  const readable = await readableSql(policy, replacements, "k", groupsOn);
  try {
    const rows = await sequelize.query<{ id: number; name: string; slug: string; kudos: number | string; points: number | string }>(
      `SELECT g.id, g.name, g.slug, COUNT(*) AS kudos, SUM(b.points) AS points
       FROM recognition_kudos k
       JOIN recognition_badges b ON b.id = k.badge_id
       JOIN contents c ON c.id = k.content_id AND c.deleted_at IS NULL AND c.hidden_at IS NULL
       JOIN groups g ON g.id = k.container_id AND g.member_count >= :smallest
       WHERE k.container_type = 'group' AND k.created_at >= :from AND k.created_at < :to AND ${readable}
       GROUP BY g.id, g.name, g.slug ORDER BY SUM(b.points) DESC, COUNT(*) DESC, g.id ASC LIMIT :limit`,
      { replacements, type: QueryTypes.SELECT },
    );
    return rows.map((row) => ({ id: Number(row.id), name: row.name, url: `/g/${row.slug}`, kudos: Number(row.kudos), points: Number(row.points) }));
  } catch {
    return []; // the groups module's table is missing: no groups to rank
  }
}

/** Badges by how often they were given in the period (kudos the reader may read). */
export async function rankBadges(sequelize: Sequelize, policy: ContentPolicy, period: Period, limit: number, groupsOn?: Set<number>) {
  const replacements: Record<string, unknown> = { from: period.from, to: period.to, limit };
  const readable = await readableSql(policy, replacements, "k", groupsOn);
  const rows = await sequelize.query<{ id: number; kudos: number | string }>(
    `SELECT k.badge_id AS id, COUNT(*) AS kudos FROM recognition_kudos k
     JOIN contents c ON c.id = k.content_id AND c.deleted_at IS NULL AND c.hidden_at IS NULL
     WHERE k.created_at >= :from AND k.created_at < :to AND ${readable}
     GROUP BY k.badge_id ORDER BY COUNT(*) DESC, k.badge_id ASC LIMIT :limit`,
    { replacements, type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({ id: Number(row.id), kudos: Number(row.kudos) }));
}

/** Posts (comments count for their post) ranked by the jury's points in the period, among what the reader may read. */
export async function rankAwardedContent(sequelize: Sequelize, policy: ContentPolicy, period: Period, limit: number) {
  const replacements: Record<string, unknown> = { from: period.from, to: period.to, limit };
  const readable = await readableSql(policy, replacements, "c");
  const rows = await sequelize.query<{ id: number; author: string; points: number | string; awards: number | string }>(
    `SELECT c.id, u.display_name AS author, SUM(a.points) AS points, COUNT(*) AS awards
     FROM recognition_awards a
     JOIN contents c ON c.id = a.content_id AND c.deleted_at IS NULL AND c.hidden_at IS NULL
     JOIN users u ON u.id = c.author_id
     WHERE a.created_at >= :from AND a.created_at < :to AND ${readable}
     GROUP BY c.id, u.display_name ORDER BY SUM(a.points) DESC, c.id ASC LIMIT :limit`,
    { replacements, type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({ url: `/c/${row.id}`, author: row.author, points: Number(row.points), awards: Number(row.awards) }));
}
