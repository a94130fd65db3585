import { Op, QueryTypes, type Sequelize } from "sequelize";
import { UserTag } from "../models/profile.ts";
import { dialectOf } from "../db/sequelize.ts";
import { badRequest } from "../http/errors.ts";
import { containsPattern } from "./name-search.ts";
import { cardOf, personColumns, type PersonCard, type PersonRow } from "./cards.ts";
import type { FieldSwitches } from "./profile-fields.ts";
import { tagName } from "./tags.ts";

export const directoryPageSize = 24;
/** Skills shown on a directory card; the profile shows them all. */
const skillsPerCard = 5;

export interface DirectoryFilters {
  q?: string;
  department?: string;
  location?: string;
  /** A skill name or label; compared normalised. */
  skill?: string;
}

/** Keyset position: people strictly after (displayName, id) in name order. */
export interface DirectoryCursor {
  name: string;
  id: number;
}

export function encodeDirectoryCursor(cursor: DirectoryCursor) {
  return `${cursor.id}-${Buffer.from(cursor.name, "utf8").toString("base64url")}`;
}

/** Reads ?after=; anything but "<id>-<base64url name>" is a 400, not a silent first page. */
export function decodeDirectoryCursor(value: string | undefined): DirectoryCursor | null {
  if (!value) return null;
  const match = /^([1-9]\d{0,9})-([A-Za-z0-9_-]{1,400})$/.exec(value);
  if (!match) throw badRequest("people:errors.cursor");
  return { id: Number(match[1]), name: Buffer.from(match[2], "base64url").toString("utf8") };
}

/**
 * One page of active people in name order: one query for the people and their profiles, one for the
 * skills of the page. Filters on switched-off fields are ignored (they would reveal hidden values).
 */
export async function directoryPage(sequelize: Sequelize, filters: DirectoryFilters, after: DirectoryCursor | null, fields: FieldSwitches): Promise<{ people: PersonCard[]; next: DirectoryCursor | null }> {
  const where = ["u.status = 'active'"];
  const replacements: Record<string, unknown> = { limit: directoryPageSize + 1 };
  // A filter drives the query from its own index and sorts its matches (one skill's holders, one
  // department); without one, the (status, display_name, id) index is walked in order and stops at the page.
  // CROSS JOIN fixes that order on SQLite, whose planner has no statistics; PostgreSQL reads it as a join.
  let from = "users u LEFT JOIN user_profiles p ON p.user_id = u.id";
  if (filters.skill && fields.skills) {
    from = "user_tags t CROSS JOIN users u LEFT JOIN user_profiles p ON p.user_id = u.id";
    where.push("t.kind = 'skill' AND t.name = :skill AND u.id = t.user_id");
    replacements.skill = tagName(filters.skill);
  } else if ((filters.department && fields.department) || (filters.location && fields.location)) {
    from = "user_profiles p CROSS JOIN users u";
    where.push("u.id = p.user_id");
  }
  if (filters.department && fields.department) {
    where.push("p.department = :department");
    replacements.department = filters.department;
  }
  if (filters.location && fields.location) {
    where.push("p.location = :location");
    replacements.location = filters.location;
  }
  if (filters.q) {
    const { operator, pattern } = containsPattern(dialectOf(sequelize), filters.q);
    const columns = ["u.display_name", "u.username", ...(fields.jobTitle ? ["p.job_title"] : [])];
    where.push(`(${columns.map((column) => `${column} ${operator} :pattern`).join(" OR ")})`);
    replacements.pattern = pattern;
  }
  if (after) {
    // A row-value comparison lets both databases seek the (status, display_name, id) index.
    where.push("(u.display_name, u.id) > (:afterName, :afterId)");
    Object.assign(replacements, { afterName: after.name, afterId: after.id });
  }
  const rows = await sequelize.query<PersonRow>(`SELECT ${personColumns} FROM ${from} WHERE ${where.join(" AND ")} ORDER BY u.display_name, u.id LIMIT :limit`, {
    replacements,
    type: QueryTypes.SELECT,
  });
  const people = rows.slice(0, directoryPageSize).map((row) => cardOf(row, fields));
  if (fields.skills) await addSkills(people);
  const last = people.at(-1);
  return { people, next: rows.length > directoryPageSize && last ? { name: last.displayName, id: last.id } : null };
}

/** The first few skills of each card, in one query for the page. */
async function addSkills(people: PersonCard[]) {
  if (people.length === 0) return;
  const tags = await UserTag.findAll({ where: { userId: { [Op.in]: people.map((person) => person.id) }, kind: "skill" }, order: [["name", "ASC"]] });
  const byUser = new Map(people.map((person) => [person.id, person]));
  for (const tag of tags) {
    const person = byUser.get(tag.userId);
    if (person && person.skills.length < skillsPerCard) person.skills.push({ name: tag.name, label: tag.label });
  }
}

/** Values offered by the filters: distinct departments, locations and skills, each read from its index alone. */
export async function directoryFacets(sequelize: Sequelize, fields: FieldSwitches) {
  const distinct = async (sql: string) => (await sequelize.query<{ value: string }>(sql, { type: QueryTypes.SELECT })).map((row) => row.value);
  const cap = 300;
  return {
    departments: fields.department ? await distinct(`SELECT DISTINCT department AS value FROM user_profiles WHERE department IS NOT NULL ORDER BY department LIMIT ${cap}`) : [],
    locations: fields.location ? await distinct(`SELECT DISTINCT location AS value FROM user_profiles WHERE location IS NOT NULL ORDER BY location LIMIT ${cap}`) : [],
    skills: fields.skills ? await distinct(`SELECT DISTINCT name AS value FROM user_tags WHERE kind = 'skill' ORDER BY name LIMIT ${cap}`) : [],
  };
}
