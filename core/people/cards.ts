import type { FieldSwitches } from "./profile-fields.ts";

/** A person as lists show them (directory, direct reports, suggestions): only the fields the admin left on. */
export interface PersonCard {
  id: number;
  username: string;
  displayName: string;
  role: string;
  jobTitle: string | null;
  department: string | null;
  location: string | null;
  photoKey: string | null;
  /** URL of the small photo, or null for the initial. */
  photo: string | null;
  skills: { name: string; label: string }[];
}

/** A row of users LEFT JOIN user_profiles, as raw SQL returns it. */
export interface PersonRow {
  id: number | string;
  username: string;
  display_name: string;
  role: string;
  job_title: string | null;
  department: string | null;
  location: string | null;
  photo_key: string | null;
}

export const personColumns = "u.id, u.username, u.display_name, u.role, p.job_title, p.department, p.location, u.photo_key";

export function cardOf(row: PersonRow, fields: FieldSwitches): PersonCard {
  return {
    id: Number(row.id),
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    jobTitle: fields.jobTitle ? row.job_title : null,
    department: fields.department ? row.department : null,
    location: fields.location ? row.location : null,
    photoKey: fields.photo ? row.photo_key : null,
    photo: fields.photo ? photoUrl(row.username, row.photo_key, "small") : null,
    skills: [],
  };
}

/** The photo's URL (the key versions it, so browsers may keep it), or null when the initial is shown instead. */
export function photoUrl(username: string, photoKey: string | null, size: "small" | "large"): string | null {
  return photoKey ? `/u/${encodeURIComponent(username)}/photo?size=${size}&v=${photoKey.slice(0, 8)}` : null;
}
