import { QueryTypes, type QueryInterface } from "sequelize";
import { secretSlug } from "../slugs.ts";

/**
 * Secret groups made before this version hold addresses anyone could guess ("board"), so creating a
 * group revealed them ("already taken", "board-2"). Each gets a random tail once (docs/groups.md);
 * links to the old address answer "not found", as for any secret group.
 */
export async function up(qi: QueryInterface) {
  const rows = await qi.sequelize.query<{ id: number; slug: string }>("SELECT id, slug FROM groups WHERE visibility = 'secret'", { type: QueryTypes.SELECT });
  for (const row of rows) await qi.sequelize.query("UPDATE groups SET slug = :slug WHERE id = :id", { replacements: { slug: secretSlug(row.slug), id: row.id } });
}

export async function down() {
  // The old addresses are not kept: nothing to undo.
}
