import { z } from "zod";
import type { DirectoryEntry } from "./directory.ts";
import { normalizeDnOrNull } from "./dn.ts";
import type { LdapSettings } from "./settings.ts";

/** Something odd about an entry that did not stop it: shown in sync reports and logged at login. */
export type PersonProblem = "missingEmail" | "invalidEmail" | "longValue" | "missingName";

/** A directory entry read into what Agora keeps of a person, values already cut to Agora's column sizes. */
export interface DirectoryPerson {
  externalId: string;
  dn: string;
  /** Value of the login attribute (uid, sAMAccountName...): the base of the Agora username. */
  login: string;
  email: string | null;
  displayName: string;
  jobTitle: string | null;
  department: string | null;
  phone: string | null;
  /** Normal form of the manager's DN, matched against other people's DNs. */
  managerDn: string | null;
  photo: Buffer | null;
  problems: PersonProblem[];
}

const emailSchema = z.string().max(254).email();
/** Column sizes of users and user_profiles. */
export const limits = { displayName: 100, jobTitle: 100, department: 100, phone: 40, photoBytes: 5 * 1024 * 1024 } as const;

/** The attributes to ask the server for: mapped ones, the login and the stable id. */
export function requestedAttributes(settings: LdapSettings, options: { withPhoto: boolean }): string[] {
  const { photo, ...others } = settings.attributes;
  const names = [settings.loginAttribute, settings.uniqueIdAttribute, ...Object.values(others), ...(options.withPhoto ? [photo] : [])];
  return [...new Set(names.filter(Boolean))];
}

/** objectGUID is 16 raw bytes; every other id attribute (entryUUID, ...) is text. */
function externalIdOf(entry: DirectoryEntry, attribute: string): string | null {
  if (attribute.toLowerCase() === "objectguid") {
    const bytes = entry.binary(attribute);
    return bytes && bytes.length === 16 ? bytes.toString("hex") : null;
  }
  return entry.first(attribute);
}

/** Reads an entry; null when it lacks what an account cannot do without (a login value, a stable id). */
export function personFrom(entry: DirectoryEntry, settings: LdapSettings): DirectoryPerson | null {
  const problems = new Set<PersonProblem>();
  const mapped = (field: keyof LdapSettings["attributes"]) => (settings.attributes[field] ? entry.first(settings.attributes[field]) : null);
  const cut = (value: string | null, max: number) => {
    if (value === null) return null;
    const characters = [...value.replace(/\s+/g, " ").trim()];
    if (characters.length <= max) return characters.join("");
    problems.add("longValue");
    return `${characters.slice(0, max - 1).join("")}…`;
  };
  const login = entry.first(settings.loginAttribute);
  const externalId = externalIdOf(entry, settings.uniqueIdAttribute);
  if (!login || !externalId || externalId.length > 255) return null;

  const rawEmail = mapped("email")?.toLowerCase() ?? null;
  const email = rawEmail && emailSchema.safeParse(rawEmail).success ? rawEmail : null;
  if (!rawEmail) problems.add("missingEmail");
  else if (!email) problems.add("invalidEmail");

  const names = [mapped("firstName"), mapped("lastName")].filter(Boolean).join(" ");
  const fullName = mapped("displayName") ?? (names || null);
  if (!fullName) problems.add("missingName");
  const managerValue = mapped("manager");
  const photo = settings.attributes.photo ? entry.binary(settings.attributes.photo) : null;
  return {
    externalId,
    dn: entry.dn,
    login,
    email,
    displayName: cut(fullName ?? login, limits.displayName)!,
    jobTitle: cut(mapped("title"), limits.jobTitle),
    department: cut(mapped("department"), limits.department),
    phone: cut(mapped("phone"), limits.phone),
    managerDn: managerValue ? normalizeDnOrNull(managerValue) : null,
    photo: photo && photo.length <= limits.photoBytes ? photo : null,
    problems: [...problems],
  };
}

/**
 * An Agora username from a directory login: accents dropped ("josé" → "jose"), anything else outside
 * [a-z0-9._-] removed; a login with nothing left (李雷) falls back to "user".
 */
export function usernameBase(login: string): string {
  const ascii = login.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const kept = ascii.replace(/[^a-z0-9._-]/g, "").replace(/^[._-]+/, "").slice(0, 56);
  return kept.length >= 2 ? kept : kept ? `${kept}0` : "user";
}
