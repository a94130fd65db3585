import { Op } from "sequelize";
import { Group } from "./models/group.ts";

export const slugPattern = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** "Équipe Qualité (Lyon)" → "equipe-qualite-lyon": ASCII, lower case, dashes. */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 50)
    .replace(/-+$/, "");
  return slug.length >= 2 ? slug : `group-${slug || "x"}`;
}

/** The slug itself if free, else the first free "<slug>-2", "<slug>-3"... (one query). */
export async function freeSlug(base: string): Promise<string> {
  const taken = new Set((await Group.findAll({ where: { slug: { [Op.or]: [base, { [Op.like]: `${base}-%` }] } }, attributes: ["slug"] })).map((group) => group.slug));
  if (!taken.has(base)) return base;
  for (let suffix = 2; ; suffix += 1) if (!taken.has(`${base}-${suffix}`)) return `${base}-${suffix}`;
}

/** Tags as typed ("Lean, 6 sigma #qualité") → stored form " lean 6 sigma qualité " (see the migration). */
export function normalizeTags(text: string): string {
  const tags = [...new Set(text.toLowerCase().split(/[\s,;#]+/).map((tag) => tag.slice(0, 32)).filter(Boolean))].slice(0, 12);
  return tags.length ? ` ${tags.join(" ")} ` : "";
}
