import { randomInt } from "node:crypto";
import { Op, type Transaction } from "sequelize";
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

/**
 * The slug itself if free, else the first free "<slug>-2", "<slug>-3"... (one query). Secret groups never
 * hold such a guessable address (see secretSlug), so what this answers depends only on groups the
 * creator could find anyway.
 */
export async function freeSlug(base: string, transaction?: Transaction): Promise<string> {
  const taken = new Set((await Group.findAll({ where: { slug: { [Op.or]: [base, { [Op.like]: `${base}-%` }] } }, attributes: ["slug"], transaction })).map((group) => group.slug));
  if (!taken.has(base)) return base;
  for (let suffix = 2; ; suffix += 1) if (!taken.has(`${base}-${suffix}`)) return `${base}-${suffix}`;
}

const tailAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
export const secretTailLength = 10;

/**
 * A secret group's address: the chosen or derived one with a random tail ("board-x7k2q9m4wz", about 51
 * bits), so nobody can find a secret group by guessing its address, nor learn from a taken address or
 * a "-2" that one exists.
 */
export function secretSlug(base: string): string {
  const stem = base.slice(0, 62 - secretTailLength).replace(/-+$/, "");
  const tail = Array.from({ length: secretTailLength }, () => tailAlphabet[randomInt(tailAlphabet.length)]).join("");
  return `${stem}-${tail}`;
}

/** Tags as typed ("Lean, 6 sigma #qualité") → stored form " lean 6 sigma qualité " (see the migration). */
export function normalizeTags(text: string): string {
  const tags = [...new Set(text.toLowerCase().split(/[\s,;#]+/).map((tag) => tag.slice(0, 32)).filter(Boolean))].slice(0, 12);
  return tags.length ? ` ${tags.join(" ")} ` : "";
}
