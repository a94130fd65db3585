import { z } from "zod";
import { iconKeys } from "./icons.ts";
import { Badge } from "./models.ts";

const text = (max: number, message: string) => z.string().trim().max(max, message);

/** The admin's badge form: en and fr names required, an icon from the built-in set (or "upload" with a file). */
export const badgeForm = z.object({
  nameEn: text(80, "recognition:errors.name").min(1, "recognition:errors.name"),
  nameFr: text(80, "recognition:errors.name").min(1, "recognition:errors.name"),
  descriptionEn: text(500, "recognition:errors.description").default(""),
  descriptionFr: text(500, "recognition:errors.description").default(""),
  companyValue: text(60, "recognition:errors.companyValue").default(""),
  icon: z.enum(["upload", ...iconKeys] as [string, ...string[]], { message: "recognition:errors.icon" }),
  points: z.coerce.number().int("recognition:errors.points").min(0, "recognition:errors.points").max(1000, "recognition:errors.points"),
});
export type BadgeFields = z.infer<typeof badgeForm>;

/** A badge's name and description in the reader's language (French when asked and given, else English). */
export function shownBadge(badge: Badge, lang: string) {
  const isFrench = lang === "fr";
  return {
    id: badge.id,
    name: isFrench && badge.nameFr ? badge.nameFr : badge.nameEn,
    description: isFrench && badge.descriptionFr ? badge.descriptionFr : badge.descriptionEn,
    companyValue: badge.companyValue,
    points: badge.points,
    isActive: badge.isActive,
    icon: badge.icon,
    iconFileId: badge.iconFileId,
  };
}

// The active badges are read each time a composer is drawn: kept a few seconds per process.
let cached: { at: number; badges: Badge[] } | null = null;

export async function activeBadges(): Promise<Badge[]> {
  if (cached && Date.now() - cached.at < 5000) return cached.badges;
  const badges = await Badge.findAll({ where: { isActive: true }, order: [["id", "ASC"]] });
  cached = { at: Date.now(), badges };
  return badges;
}

export function forgetBadges() {
  cached = null;
}

/** The company values badges name, for the wall's filter. */
export async function companyValues(): Promise<string[]> {
  const rows = await Badge.findAll({ attributes: ["companyValue"], group: ["companyValue"], order: [["companyValue", "ASC"]] });
  return rows.map((row) => row.companyValue).filter((value): value is string => Boolean(value));
}
