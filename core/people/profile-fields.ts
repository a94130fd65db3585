import type { Transaction } from "sequelize";
import type { SettingsStore, SiteSettings } from "../settings.ts";

/** The optional profile fields, in the order forms and pages show them. Name and username are always shown. */
export const profileFields = ["photo", "jobTitle", "department", "location", "phone", "manager", "bio", "skills", "languages"] as const;
export type ProfileField = (typeof profileFields)[number];

/** Which fields are on: everything the admin has not switched off (a field added later starts shown). */
export type FieldSwitches = Record<ProfileField, boolean>;

/** The settings row: the fields an admin switched off. Stored as the hidden ones so new fields default to shown. */
const settingKey = "profileHiddenFields";

function hiddenIn(settings: SiteSettings): ProfileField[] {
  const stored = (settings as unknown as Record<string, unknown>)[settingKey];
  return Array.isArray(stored) ? profileFields.filter((field) => stored.includes(field)) : [];
}

/** The fields shown and editable, from the cached settings (no query on most pages). */
export async function enabledFields(settings: SettingsStore): Promise<FieldSwitches> {
  const hidden = hiddenIn(await settings.get());
  return Object.fromEntries(profileFields.map((field) => [field, !hidden.includes(field)])) as FieldSwitches;
}

/** Saves which fields are shown; the store accepts any key, so the setting rides along with the site settings. */
export async function saveEnabledFields(settings: SettingsStore, shown: ProfileField[], transaction?: Transaction) {
  const values: Partial<SiteSettings> & { [settingKey]: ProfileField[] } = { [settingKey]: profileFields.filter((field) => !shown.includes(field)) };
  await settings.set(values, transaction);
}
