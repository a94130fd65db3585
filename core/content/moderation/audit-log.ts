import { Op, QueryTypes, type Sequelize } from "sequelize";
import { User } from "../../models/user.ts";

export const auditPageSize = 50;

/** Prefixes offered in the filter (any other prefix may be typed). */
export const auditPrefixes = ["content.", "comment.", "reports.", "user.", "invitation.", "module.", "settings.", "password.", "setup."];

export interface AuditFilters {
  /** Actions starting with this ("content.", "user.role"). */
  action: string | null;
  actorId: number | null;
  before: number | null;
}

export interface AuditRow {
  id: number;
  action: string;
  actor: { id: number; displayName: string; username: string } | null;
  /** Whether an actor was recorded (null: the system, e.g. the command line). */
  hasActor: boolean;
  subject: { label: string; href: string | null } | null;
  details: [string, string][];
  createdAt: Date;
}

/** LIKE with "!" as the escape character, the same on SQLite and PostgreSQL. */
const likePrefix = (prefix: string) => `${prefix.replace(/[!%_]/g, (character) => `!${character}`)}%`;

/** Where an audit subject is looked at, when it has a page. */
function subjectOf(type: string | null, id: string | null, details: Record<string, unknown>): AuditRow["subject"] {
  if (!type) return null;
  const label = id ? `${type} #${id}` : type;
  const numericId = id && /^\d+$/.test(id) ? id : null;
  const hrefs: Record<string, string | null> = {
    content: numericId && `/c/${numericId}`,
    comment: numericId && typeof details.contentId === "number" ? `/c/${details.contentId}#comment-${numericId}` : null,
    user: numericId && `/admin/users/${numericId}`,
    invitation: "/admin/invitations",
    module: "/admin/modules",
    site: "/admin/settings",
  };
  return { label, href: hrefs[type] ?? null };
}

function parseDetails(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { value: text };
  }
}

/** A page of the audit log, newest first, keyset on the primary key; actors batch-loaded in one query. */
export async function auditPage(sequelize: Sequelize, filters: AuditFilters) {
  const conditions = ["1 = 1"];
  if (filters.before) conditions.push("id < :before");
  if (filters.actorId) conditions.push("actor_id = :actorId");
  if (filters.action) conditions.push("action LIKE :pattern ESCAPE '!'");
  const rows = await sequelize.query<{ id: number; actor_id: number | null; action: string; subject_type: string | null; subject_id: string | null; details: string | null; created_at: string | Date }>(
    `SELECT id, actor_id, action, subject_type, subject_id, details, created_at FROM audit_log WHERE ${conditions.join(" AND ")} ORDER BY id DESC LIMIT :limit`,
    { replacements: { before: filters.before, actorId: filters.actorId, pattern: filters.action ? likePrefix(filters.action) : null, limit: auditPageSize + 1 }, type: QueryTypes.SELECT },
  );
  const page = rows.slice(0, auditPageSize);
  const actorIds = [...new Set(page.map((row) => row.actor_id).filter((id): id is number => id !== null).map(Number))];
  const actors = new Map((actorIds.length ? await User.findAll({ where: { id: { [Op.in]: actorIds } }, attributes: ["id", "displayName", "username"] }) : []).map((user) => [user.id, user]));
  const entries: AuditRow[] = page.map((row) => {
    const details = parseDetails(row.details);
    const actor = row.actor_id === null ? undefined : actors.get(Number(row.actor_id));
    return {
      id: Number(row.id),
      action: row.action,
      actor: actor ? { id: actor.id, displayName: actor.displayName, username: actor.username } : null,
      hasActor: row.actor_id !== null,
      subject: subjectOf(row.subject_type, row.subject_id, details),
      details: Object.entries(details).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
      createdAt: new Date(row.created_at),
    };
  });
  return { entries, next: rows.length > auditPageSize ? page.at(-1)!.id : null };
}
