import { QueryTypes, type Sequelize } from "sequelize";
import { cardOf, personColumns, type PersonCard, type PersonRow } from "./cards.ts";
import { foldText } from "./name-search.ts";
import type { FieldSwitches } from "./profile-fields.ts";

export const suggestLimit = 8;

/** The smallest string above every string starting with the prefix (code point order, as the indexes sort). */
function upperBound(prefix: string): string {
  const points = [...prefix];
  const last = points.pop()!;
  return points.join("") + String.fromCodePoint(last.codePointAt(0)! + 1);
}

const capitalise = (text: string) => text.replace(/(^|[\s-])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());

/** The spellings a name may start with for what was typed: as typed, lower case, "Capitalised", "Title-Case", without accents. */
function displayNamePrefixes(typed: string): string[] {
  const lower = typed.toLowerCase();
  const first = lower.charAt(0).toUpperCase() + lower.slice(1);
  const folded = foldText(typed);
  return [...new Set([typed, lower, first, capitalise(lower), folded, capitalise(folded)])];
}

/**
 * People whose username or display name starts with the text, for @mention autocomplete: each spelling
 * is one bounded range on the username or (display_name, id) index, merged in one query.
 */
export async function suggestPeople(sequelize: Sequelize, typed: string, fields: FieldSwitches): Promise<PersonCard[]> {
  const replacements: Record<string, unknown> = { limit: suggestLimit };
  const probes: string[] = [];
  const probe = (column: string, prefix: string) => {
    const n = probes.length;
    replacements[`from${n}`] = prefix;
    replacements[`to${n}`] = upperBound(prefix);
    probes.push(
      `SELECT id FROM (SELECT id FROM users WHERE ${column} >= :from${n} AND ${column} < :to${n} AND status = 'active' ORDER BY ${column} LIMIT :limit) probe${n}`,
    );
  };
  const username = foldText(typed);
  if (/^[a-z0-9._-]+$/.test(username)) probe("username", username);
  for (const prefix of displayNamePrefixes(typed)) probe("display_name", prefix);
  const rows = await sequelize.query<PersonRow>(
    `SELECT ${personColumns} FROM users u LEFT JOIN user_profiles p ON p.user_id = u.id
     WHERE u.id IN (${probes.join(" UNION ")}) ORDER BY u.display_name, u.id LIMIT :limit`,
    { replacements, type: QueryTypes.SELECT },
  );
  // Databases with a linguistic collation order ranges differently: keep only true prefixes.
  const wanted = foldText(typed);
  return rows.filter((row) => row.username.startsWith(username) || foldText(row.display_name).startsWith(wanted)).map((row) => cardOf(row, fields));
}
